using System.Globalization;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tls;

/// <summary>The commands a web host runs for the site's certificate, built from the settings.</summary>
public sealed class CertificateCommands(SiteSettings site, TlsSettings tls)
{
    /// <summary>A certificate expiring sooner than this is requested again.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The exit code of <see cref="Ensure"/> when certbot failed.</summary>
    public const int CertbotFailed = 3;

    public TlsPaths Paths { get; } = new(new ReleasePaths(site.Root, site.Name), tls.Mode);

    /// <summary>Requests the certificate only when missing, expiring within 30 days, or for other names (HTTP-01 by nginx's webroot); prints <see cref="CertificateLine"/>'s line.</summary>
    public RemoteCommand Ensure() => Ensure("--webroot -w " + Shell.Quote(Paths.ChallengeRoot), Paths.DeployHook);

    /// <summary>
    /// As <see cref="Ensure()"/>, behind a proxy that sends /.well-known/acme-challenge/ to certbot's own
    /// server on the host's loopback <paramref name="port"/> (kept for renewals); <paramref name="deployHook"/> runs after an issuance.
    /// </summary>
    public RemoteCommand EnsureStandalone(int port, string deployHook) =>
        Ensure($"--standalone --http-01-address 127.0.0.1 --http-01-port {port.ToString(CultureInfo.InvariantCulture)}", deployHook);

    private RemoteCommand Ensure(string authenticator, string deployHook)
    {
        var names = SiteTemplates.Names(site);
        var script = TemplateRenderer.Render("certbot-certificate.sh", new Dictionary<string, string>
        {
            ["State"] = State(),
            ["CaBundleExport"] = tls.AcmeCaBundle.Length > 0 ? $"export REQUESTS_CA_BUNDLE={Shell.Quote(Paths.AcmeCaBundle)}" : "",
            ["Authenticator"] = authenticator,
            ["DeployHook"] = Shell.Quote(deployHook),
            ["CertificateName"] = Shell.Quote(Paths.CertificateName),
            ["Server"] = Shell.Quote(tls.AcmeDirectory),
            ["EmailArgs"] = tls.Email.Length > 0 ? "--email " + Shell.Quote(tls.Email) : "--register-unsafely-without-email",
            ["DomainArgs"] = string.Join(' ', names.Select(n => "-d " + Shell.Quote(n))),
        });
        return new RemoteCommand(script, "certificate of " + string.Join(", ", names));
    }

    /// <summary>
    /// sh that reads the certificate the host holds (one openssl call) and sets <c>$reason</c> when it must
    /// be requested: missing, for other names, or expiring within 30 days (empty: it need not be); <c>describe</c> then prints <see cref="CertificateLine"/>'s line.
    /// </summary>
    public string State() => StateOf(Paths.Chain);

    /// <summary>As <see cref="State"/>, of the certificate (the first of the PEM file) at <paramref name="chain"/>.</summary>
    public string StateOf(string chain) => TemplateRenderer.Render("certificate-state.sh", new Dictionary<string, string>
    {
        ["Chain"] = Shell.Quote(chain),
        ["Names"] = Shell.Quote(string.Join(' ', SiteTemplates.Names(site).Order(StringComparer.Ordinal))),
        ["RenewBeforeSeconds"] = ((int)RenewBefore.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    });
}

/// <summary>A certificate a host holds: its names, expiry and serial (a line of <see cref="CertificateCommands.Ensure"/>'s output).</summary>
public sealed record CertificateLine(IReadOnlyList<string> Names, string NotAfter, string Serial)
{
    public static CertificateLine? Parse(string output) =>
        output.Split('\n').Select(l => l.Split('\t')).FirstOrDefault(f => f is ["certificate", _, _, _]) is { } fields
            ? new CertificateLine(fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), fields[2].Trim(), fields[3].Trim())
            : null;

    /// <summary>The first certificate of a PEM chain: the site's.</summary>
    public static CertificateLine Of(string pemChain)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pemChain);
        var names = certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames()).Order(StringComparer.Ordinal).ToList();
        return new CertificateLine(names, certificate.NotAfter.ToUniversalTime().ToString("MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture), certificate.SerialNumber);
    }

    public override string ToString() => $"certificate for {string.Join(", ", Names)}, valid until {NotAfter} (serial {Serial})";
}
