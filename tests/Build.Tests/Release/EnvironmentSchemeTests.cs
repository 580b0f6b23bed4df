using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>The environment file's https flags (secure-only cookies, CSRF origins) follow what serves the site on each host, not only the settings.</summary>
public sealed class EnvironmentSchemeTests
{
    private static readonly SiteSettings Site = new() { Name = "coralnet", Root = "/srv/www", Domain = "coralnet.example" };
    private static readonly SshTarget Web1 = new("web1", "10.213.0.3");
    private static readonly SiteEnvironment OverHttps = new("coralnet", "django", new Secret("database-password"), "10.213.0.2", 5432,
        new Secret("secret-key"), ["coralnet.example"], "bucket", Https: true);

    private static ReleaseOptions Options(NginxFront? front = null) =>
        new(Site, "/site", "/cache", TimeSpan.FromSeconds(10), Tls: new TlsSettings { Mode = TlsMode.Acme }, Front: front);

    private static string EnvironmentFile(NginxSites nginx, ReleaseListing before, SiteEnvironment? environment = null) =>
        SiteTemplates.EnvironmentFile(Site, nginx.Environment(Web1, before, environment ?? OverHttps)).Reveal();

    [Test]
    public void A_host_without_the_certificate_serves_http_and_its_cookies_are_not_secure_only_until_it_holds_it()
    {
        var nginx = new NginxSites(Options());
        var fresh = ReleaseListing.Parse("");
        var holding = ReleaseListing.Parse($"file\t{NginxSites.CertificateChain(Options())}\t0644 root 0123\n");

        Assert.That(EnvironmentFile(nginx, fresh), Does.Contain("SECURE_COOKIES=0\n").And.Contain("CSRF_TRUSTED_ORIGINS=\"\""), "a failed first issuance: nginx serves http");
        Assert.That(EnvironmentFile(nginx, holding), Does.Contain("SECURE_COOKIES=1\n").And.Contain("CSRF_TRUSTED_ORIGINS=\"https://coralnet.example\""));
        nginx.MoveToTls(Web1);
        Assert.That(EnvironmentFile(nginx, fresh), Does.Contain("SECURE_COOKIES=1\n"), "moved to https in this run");
        Assert.That(EnvironmentFile(nginx, holding, OverHttps with { Https = false }), Does.Contain("SECURE_COOKIES=0\n"), "Tls.Mode off: never https");
    }

    [Test]
    public void Behind_a_load_balancer_ending_https_the_cookies_are_secure_only_whatever_the_host_holds()
    {
        var nginx = new NginxSites(Options(new NginxFront(true, true)));

        Assert.That(EnvironmentFile(nginx, ReleaseListing.Parse("")), Does.Contain("SECURE_COOKIES=1\n"));
    }
}
