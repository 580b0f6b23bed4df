using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Tests.Tls;

/// <summary>
/// The certificate as the release listing reads it under the deploy lock (the certificate step then needs
/// no round trip of its own): run for real with sh and openssl against certificates made here, the
/// chain's path pointed into a temporary folder.
/// </summary>
public sealed class CertificateStateTests
{
    private static readonly SiteSettings Site = new() { Name = "coralnet", Domain = "coralnet.sandbox", ExtraDomains = ["www.coralnet.sandbox"] };

    [Test]
    public void A_host_without_the_certificate_lists_it_as_due()
    {
        using var host = new TempDirectory();

        var listing = List(host);

        Assert.That(listing.Certificate, Is.Null);
        Assert.That(listing.CertificateDue, Is.EqualTo("no certificate yet"));
    }

    [Test]
    public void A_certificate_for_the_sites_names_valid_beyond_30_days_is_listed_and_not_due()
    {
        using var host = new TempDirectory();
        var serial = MakeCertificate(host, days: 90, "www.coralnet.sandbox", "coralnet.sandbox");

        var listing = List(host);

        Assert.That(listing.CertificateDue, Is.Null);
        Assert.That(listing.Certificate!.Names, Is.EqualTo(new[] { "coralnet.sandbox", "www.coralnet.sandbox" }));
        Assert.That(listing.Certificate.Serial, Is.EqualTo(serial));
        Assert.That(listing.Certificate.NotAfter, Does.EndWith(" GMT").And.Contain(DateTime.UtcNow.AddDays(90).Year.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void A_certificate_for_other_names_or_expiring_within_30_days_is_due()
    {
        using var host = new TempDirectory();
        MakeCertificate(host, days: 90, "coralnet.sandbox");
        Assert.That(List(host).CertificateDue, Is.EqualTo("its names changed (it has: coralnet.sandbox)"));

        MakeCertificate(host, days: 10, "coralnet.sandbox", "www.coralnet.sandbox");
        Assert.That(List(host).CertificateDue, Is.EqualTo("it expires within 30 days"));
    }

    [Test]
    public void The_ensure_script_reads_the_certificate_as_the_listing_does()
    {
        var commands = new CertificateCommands(Site, new TlsSettings { Mode = TlsMode.Acme });

        Assert.That(commands.Ensure().Script, Does.Contain(commands.State()));
    }

    [Test]
    public void Status_reads_the_certificate_the_load_balancer_serves_from_its_file_of_chain_and_key_and_says_when_there_is_none()
    {
        using var host = new TempDirectory();
        var tls = new LoadBalancerTls(Site, new TlsSettings { Mode = TlsMode.Acme });
        var read = tls.ReadCertificate().Script.Replace(Shell.Quote(tls.Pem), Shell.Quote(ChainFile(host)), StringComparison.Ordinal);

        var none = TempDirectory.RunSh(read);
        Assert.That(none.Code, Is.Zero, none.Errors);
        Assert.That(new LoadBalancerStatus("lb1", CertificateLine.Parse(none.Output)).Lines(), Is.EqualTo(new[] { "lb1 (load balancer):", "  certificate: none yet (http)" }));
        Assert.That(new LoadBalancerStatus("lb1", null, "lb1 did not answer").Lines(), Is.EqualTo(new[] { "lb1 (load balancer):", "  certificate: unreadable (lb1 did not answer)" }));
        Assert.That((string?)new LoadBalancerStatus("lb1", null, "lb1 did not answer").ToJson()["error"], Is.EqualTo("lb1 did not answer"));

        var serial = MakeCertificate(host, days: 90, "coralnet.sandbox", "www.coralnet.sandbox");
        File.AppendAllText(ChainFile(host), File.ReadAllText(Path.Combine(host.Path, "key.pem")));
        var held = TempDirectory.RunSh(read);
        Assert.That(held.Code, Is.Zero, held.Errors);
        var status = new StatusResult([], new LoadBalancerStatus("lb1", CertificateLine.Parse(held.Output)));

        var line = status.Lines().Last();
        Assert.That(line, Does.StartWith("  certificate: coralnet.sandbox, www.coralnet.sandbox, expires ").And.EndWith($" GMT (serial {serial})"));
        var json = status.ToJson()["loadBalancer"]!;
        Assert.That(json["host"]!.GetValue<string>(), Is.EqualTo("lb1"));
        Assert.That(json["certificate"]!["names"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "coralnet.sandbox", "www.coralnet.sandbox" }));
        Assert.That(line, Does.Contain(json["certificate"]!["notAfter"]!.GetValue<string>()));
    }

    private static ReleaseListing List(TempDirectory host)
    {
        var paths = new ReleasePaths(Path.Combine(host.Path, "srv"), Site.Name) { SiteUser = "nobody", SiteGroup = "nogroup" };
        Directory.CreateDirectory(paths.Site);
        var certificates = new CertificateCommands(Site, new TlsSettings { Mode = TlsMode.Acme });
        var state = certificates.State().Replace(Shell.Quote(certificates.Paths.Chain), Shell.Quote(ChainFile(host)), StringComparison.Ordinal);
        var run = TempDirectory.RunSh(new ReleaseCommands(paths, certificateState: state).ListReleases().Script);
        Assert.That(run.Code, Is.Zero, run.Errors);
        return ReleaseListing.Parse(run.Output);
    }

    private static string ChainFile(TempDirectory host) => Path.Combine(host.Path, "fullchain.pem");

    /// <summary>A self-signed certificate for <paramref name="names"/> as the chain; returns its serial as openssl prints it.</summary>
    private static string MakeCertificate(TempDirectory host, int days, params string[] names)
    {
        var chain = Shell.Quote(ChainFile(host));
        var key = Shell.Quote(Path.Combine(host.Path, "key.pem"));
        var san = Shell.Quote("subjectAltName=" + string.Join(',', names.Select(n => "DNS:" + n)));
        var run = TempDirectory.RunSh($"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {key} -out {chain} -days {days} -subj /CN={names[0]} -addext {san} 2>/dev/null && openssl x509 -in {chain} -noout -serial | cut -d= -f2");
        Assert.That(run.Code, Is.Zero, run.Errors);
        return run.Output.Trim();
    }
}
