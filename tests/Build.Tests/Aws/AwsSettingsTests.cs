using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Aws;

public sealed class AwsSettingsTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("aws-settings-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "environments"));
        Directory.CreateDirectory(Path.Combine(_root, "samples/site"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Incomplete_AWS_settings_are_refused_with_every_problem_listed()
    {
        File.WriteAllText(Path.Combine(_root, "environments/production.json"), """
            { "Provider": "aws", "Site": { "Domain": "coralnet.example.org", "SecretKey": "env:K" },
              "Database": { "Password": "env:P", "MasterPassword": "env:M" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "missing.pub", "Endpoint": "not a url" } }
            """);

        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(
            _root, "production", _ => null, name => name == "M" ? "a-long-master-password" : null, new SecretRedactor()));

        var text = error!.Message;
        Assert.That(text, Does.Contain("Aws.PublicKey").And.Contain("Aws.OperatorCidrs").And.Contain("Aws.BucketName")
            .And.Contain("Aws.Endpoint").And.Contain("Ssh.PrivateKey").And.Contain("Ssh.KnownHosts")
            .And.Contain("Site.SecretKey").And.Contain("Database.Password"));
        Assert.That(text, Does.Not.Contain("a-long-master-password"));
    }

    [Test]
    public void The_endpoint_argument_overrides_the_settings_file() =>
        Assert.That(Staging(new() { ["Aws_Endpoint"] = "http://127.0.0.1:4566" }).Settings!.Aws.Endpoint, Is.EqualTo("http://127.0.0.1:4566"));

    private const string Certificate = "arn:aws:acm:us-west-2:123456789012:certificate/0f7c2d4e-1111-2222-3333-444455556666";

    /// <summary>A complete AWS environment, loaded with <paramref name="overrides"/> (Section_Key); its problems when refused.</summary>
    private (DeploySettings? Settings, IReadOnlyList<string> Problems) Staging(Dictionary<string, string> overrides)
    {
        File.WriteAllText(Path.Combine(_root, "operator.pub"), AwsProvisionerTests.PublicKey + "\n");
        File.WriteAllText(Path.Combine(_root, "environments/staging.json"), """
            { "Provider": "aws", "Site": { "Domain": "coralnet.example.org", "SecretKey": "env:K" },
              "Ssh": { "PrivateKey": "operator", "KnownHosts": "environments/staging.known_hosts" },
              "Database": { "Password": "env:K", "MasterPassword": "env:K" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "operator.pub", "OperatorCidrs": ["203.0.113.7/32"], "BucketName": "coralnet-media" } }
            """);
        try
        {
            return (SettingsLoader.Load(_root, "staging", key => overrides.GetValueOrDefault(key), _ => "a-long-secret-value", new SecretRedactor()).Settings, []);
        }
        catch (SettingsException refused)
        {
            return (null, refused.Problems);
        }
    }

    [TestCase("acme")]
    [TestCase("files")]
    public void Behind_the_load_balancer_nginx_serves_no_TLS_so_another_Tls_mode_is_refused_in_one_line(string mode)
    {
        var (_, problems) = Staging(new() { ["Aws_LoadBalancer"] = "true", ["Aws_CertificateArn"] = Certificate, ["Tls_Mode"] = mode });

        Assert.That(problems, Has.Exactly(1).StartsWith("Tls.Mode"), "said once, not also as the acme rule for several hosts");
        Assert.That(problems, Has.One.EqualTo($"Tls.Mode: {mode}, but HTTPS ends at the load balancer (its 443 listener, with Aws.CertificateArn), which asks the instances' nginx over plain http on port 80; "
            + "set Tls.Mode to off (--tls_mode=off): the site is still served over https."));
    }

    [Test]
    public void Behind_the_load_balancer_with_Tls_off_the_site_is_https_without_the_plain_http_warning_and_several_instances_roll()
    {
        var (settings, problems) = Staging(new() { ["Aws_LoadBalancer"] = "true", ["Aws_CertificateArn"] = Certificate, ["Tls_Mode"] = "off", ["Aws_WebInstances"] = "3" });

        Assert.That(problems, Is.Empty);
        Assert.That(SiteFront.Https(settings!), Is.True, "secure cookies and https CSRF origins in the environment file");
        Assert.That(DeployLifetime.PlainHttpWarning(settings!), Is.Null);
        Assert.That(NginxFront.For(settings!, null), Is.EqualTo(new NginxFront(HealthForAnyHost: true, HttpsAtLoadBalancer: true, SendsHsts: true)));
        Assert.That(SiteFront.Rolls(settings!), Is.True);

        settings!.Aws.WebInstances = 1;
        Assert.That(SiteFront.Rolls(settings), Is.False, "one instance cuts over in place: a roll would have to drain the only one");
    }

    [Test]
    public void Without_a_load_balancer_Tls_off_is_plain_http_with_its_warning_and_nothing_rolls()
    {
        var (settings, problems) = Staging(new() { ["Tls_Mode"] = "off" });

        Assert.That(problems, Is.Empty);
        Assert.That(SiteFront.Https(settings!), Is.False);
        Assert.That(DeployLifetime.PlainHttpWarning(settings!), Does.StartWith("Tls.Mode is off: coralnet.example.org is served over plain http"));
        Assert.That(NginxFront.For(settings!, null), Is.EqualTo(NginxFront.Direct));
        Assert.That(SiteFront.Rolls(settings!), Is.False);
    }

    [TestCase("", "Aws.CertificateArn: the load balancer's HTTPS listener needs an ACM certificate; request or import one for the site's domain in ACM and name its ARN")]
    [TestCase("arn:aws:iam::123456789012:server-certificate/site", "Aws.CertificateArn: 'arn:aws:iam::123456789012:server-certificate/site' is not an ACM certificate ARN")]
    [TestCase("arn:aws:acm:eu-west-1:123456789012:certificate/abc", "Aws.CertificateArn: the certificate is in eu-west-1, the load balancer in us-west-2;")]
    public void The_load_balancers_certificate_must_be_an_ACM_ARN_of_its_region(string arn, string problem) =>
        Assert.That(Staging(new() { ["Aws_LoadBalancer"] = "true", ["Aws_CertificateArn"] = arn, ["Tls_Mode"] = "off" }).Problems, Has.One.StartsWith(problem));
}
