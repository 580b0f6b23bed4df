using CoralNet.Deploy.Settings;

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
    public void The_endpoint_argument_overrides_the_settings_file()
    {
        File.WriteAllText(Path.Combine(_root, "operator.pub"), AwsProvisionerTests.PublicKey + "\n");
        File.WriteAllText(Path.Combine(_root, "environments/staging.json"), """
            { "Provider": "aws", "Site": { "Domain": "coralnet.example.org", "SecretKey": "env:K" },
              "Ssh": { "PrivateKey": "operator", "KnownHosts": "environments/staging.known_hosts" },
              "Database": { "Password": "env:K", "MasterPassword": "env:K" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "operator.pub", "OperatorCidrs": ["203.0.113.7/32"], "BucketName": "coralnet-media" } }
            """);

        var (settings, _) = SettingsLoader.Load(
            _root, "staging", key => key == "Aws_Endpoint" ? "http://127.0.0.1:4566" : null, _ => "a-long-secret-value", new SecretRedactor());

        Assert.That(settings.Aws.Endpoint, Is.EqualTo("http://127.0.0.1:4566"));
    }
}
