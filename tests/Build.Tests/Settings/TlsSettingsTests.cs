using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Settings;

/// <summary>Site.ExtraDomains and Tls.*: read from overrides, refused before anything runs when they cannot work.</summary>
public sealed class TlsSettingsTests
{
    private static IReadOnlyList<string> Problems(Dictionary<string, string> overrides)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        return Assert.Throws<SettingsException>(() => SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key),
            _ => "a-long-secret-value", new SecretRedactor()))!.Problems;
    }

    [Test]
    public void Tls_settings_and_extra_domains_are_read_from_overrides()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string>
        {
            ["Tls_Mode"] = "off", ["Tls_HstsMaxAgeSeconds"] = "300", ["Tls_Email"] = "ops@example.org", ["Site_ExtraDomains"] = "www.coralnet.sandbox,media.coralnet.sandbox",
        };
        var (settings, _) = SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key), _ => null, new SecretRedactor());

        Assert.That(settings.Tls.Mode, Is.EqualTo(TlsMode.Off));
        Assert.That(settings.Tls.HstsMaxAgeSeconds, Is.EqualTo(300));
        Assert.That(settings.Tls.Email, Is.EqualTo("ops@example.org"));
        Assert.That(settings.Site.ExtraDomains, Is.EqualTo(new[] { "www.coralnet.sandbox", "media.coralnet.sandbox" }));
    }

    [Test]
    public void A_sandbox_load_balancer_in_front_of_one_web_host_is_refused() =>
        Assert.That(Problems(new() { ["Sandbox_LoadBalancer"] = "lb1", ["Tls_Mode"] = "off" }),
            Has.One.StartsWith("Sandbox.LoadBalancer: a deploy behind it rolls through the web hosts").And.Contains("--sandbox_webhosts=web1,web2,web3"));

    [Test]
    public void Acme_for_several_web_hosts_is_refused_and_files_or_off_accepted()
    {
        Assert.That(Problems(new() { ["Sandbox_WebHosts"] = "web1,web2", ["Tls_Mode"] = "acme" }),
            Has.One.StartsWith("Tls.Mode: acme gets a certificate for one web host only, and this environment has 2 web hosts.").And.Contains("Tls.Mode files"));

        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1,web2", ["Tls_Mode"] = "off" };
        var (settings, _) = SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key), _ => null, new SecretRedactor());
        Assert.That(settings.Sandbox.WebHosts, Has.Count.EqualTo(2));
    }

    [Test]
    public void Https_ends_at_the_sandbox_load_balancer_so_acme_and_files_are_accepted_with_several_web_hosts_and_its_name_is_checked()
    {
        Assert.That(Problems(new() { ["Sandbox_LoadBalancer"] = "db1", ["Tls_Mode"] = "off" }), Has.One.EqualTo("Sandbox: host name 'db1' is used twice."));
        Assert.That(Problems(new() { ["Sandbox_LoadBalancer"] = "LB_1", ["Tls_Mode"] = "off" }), Has.One.StartsWith("Sandbox: 'LB_1' is not a usable host name"));

        using var repository = new TemporaryRepository().WithShippedSandbox();
        foreach (var mode in new[] { "acme", "files", "off" })
        {
            var overrides = new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1,web2,web3", ["Sandbox_LoadBalancer"] = "lb1", ["Tls_Mode"] = mode, ["Tls_CertificateChain"] = "environments/sandbox.json", ["Tls_CertificateKey"] = "env:CORALNET_TEST_KEY" };
            var (settings, _) = SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key), _ => "a-long-secret-value", new SecretRedactor());
            Assert.That(settings.Sandbox.LoadBalancer, Is.EqualTo("lb1"), mode);
        }
    }

    [Test]
    public void Bad_names_a_plain_http_directory_and_a_bad_email_are_each_refused()
    {
        var problems = Problems(new()
        {
            ["Site_ExtraDomains"] = "coralnet.sandbox,not a name", ["Tls_Mode"] = "acme", ["Tls_AcmeDirectory"] = "http://ca.example.org/dir", ["Tls_Email"] = "nobody", ["Tls_HstsMaxAgeSeconds"] = "-1",
        });

        Assert.That(problems, Has.Some.StartsWith("Site.ExtraDomains: 'not a name' is not a domain name"));
        Assert.That(problems, Has.Some.StartsWith("Site.ExtraDomains: 'coralnet.sandbox' is named twice"));
        Assert.That(problems, Has.Some.StartsWith("Tls.AcmeDirectory: 'http://ca.example.org/dir' is not an https URL"));
        Assert.That(problems, Has.Some.StartsWith("Tls.Email: 'nobody' is not an e-mail address"));
        Assert.That(problems, Has.Some.StartsWith("Tls.HstsMaxAgeSeconds: -1 is outside"));
    }

    [Test]
    public void Files_mode_needs_a_chain_file_and_the_key_as_a_secret()
    {
        var problems = Problems(new() { ["Tls_Mode"] = "files", ["Tls_CertificateChain"] = "missing.pem" });

        Assert.That(problems, Has.Some.StartsWith("Tls.CertificateChain: no file 'missing.pem'"));
        Assert.That(problems, Has.Some.StartsWith("Tls.CertificateKey: not set"));
    }
}
