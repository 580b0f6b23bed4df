using System.Globalization;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// HTTPS ending at the sandbox's load balancer: HAProxy serves the site's certificate from one root-only
/// file (chain and key), certbot there answers HTTP-01 through HAProxy's port 80 with its own server on a
/// loopback port, and its deploy hook assembles that file, checks HAProxy's configuration and reloads.
/// The web hosts behind it serve plain http and believe its X-Forwarded-Proto.
/// </summary>
public sealed class LoadBalancerTls(SiteSettings site, TlsSettings tls)
{
    /// <summary>Where HAProxy's certificate files lie: root's only (each holds a private key).</summary>
    public const string CertificateFolder = "/etc/haproxy/certs";

    /// <summary>The loopback port of certbot's own HTTP-01 server (--standalone), where HAProxy sends the challenge path.</summary>
    public const int ChallengePort = 8402;

    /// <summary>HAProxy's backend of certbot's HTTP-01 server.</summary>
    public const string AcmeBackend = "acme";

    public const string ChallengePath = "/.well-known/acme-challenge/";

    /// <summary>Whether HTTPS ends at a load balancer the suite configures (the sandbox's), not at the web hosts.</summary>
    public static bool EndsThere(DeploySettings settings) => LoadBalancerSettingsRules.InSandbox(settings);

    public CertificateCommands Certificates { get; } = new(site, tls);

    /// <summary>The site's chain and key in one file, as HAProxy reads them: one per mode, so that a change of Tls.Mode changes HAProxy's configuration too.</summary>
    public string Pem => $"{CertificateFolder}/{site.Name}{(tls.Mode == TlsMode.Files ? "-given" : "")}.pem";

    /// <summary>Run by certbot after each issuance and renewal: the file assembled, haproxy -c, then a reload.</summary>
    public string DeployHook => $"/etc/letsencrypt/renewal-hooks/deploy/{site.Name}-haproxy";

    /// <summary>certbot's live folder of the site's certificate.</summary>
    public string Lineage => Path.GetDirectoryName(Certificates.Paths.Chain)!;

    public string DeployHookScript() => TemplateRenderer.Render("haproxy-deploy-hook.sh", new Dictionary<string, string>
    {
        ["SiteName"] = site.Name,
        ["Lineage"] = Shell.Quote(Lineage),
        ["Pem"] = Shell.Quote(Pem),
        ["Config"] = Shell.Quote(SandboxLoadBalancer.ConfigFile),
    });

    /// <summary>Acme mode: the certificate requested only when missing, expiring within 30 days or for other names; its issuance runs the deploy hook.</summary>
    public RemoteCommand Ensure() => Certificates.EnsureStandalone(ChallengePort, DeployHook);

    /// <summary>Assembles HAProxy's file from certbot's lineage as the deploy hook does (a host holding the certificate but not the file yet); reloads HAProxy after haproxy -c.</summary>
    public RemoteCommand AssemblePem() => new($"RENEWED_LINEAGE={Shell.Quote(Lineage)} {Shell.Quote(DeployHook)}\necho {RemoteCommand.Changed}", "HAProxy's certificate file from certbot's");

    /// <summary>Says "present" when HAProxy's certificate file is there (HAProxy can then bind 443 with it).</summary>
    public RemoteCommand ReadPem() => new($"if [ -s {Shell.Quote(Pem)} ]; then echo present; fi\necho {RemoteCommand.Ok}", "HAProxy's certificate file");

    public static bool Present(CommandResult result) => result.Stdout.Split('\n').Contains("present");

    /// <summary>The certificate HAProxy serves (the first of its file): <see cref="CertificateLine"/>'s line, none while it has no file.</summary>
    public RemoteCommand ReadCertificate() => new($"{Certificates.StateOf(Pem)}\nif [ -f \"$chain\" ]; then describe; fi\necho {RemoteCommand.Ok}", "read the load balancer's certificate");

    /// <summary>The frontend's lines of HTTPS: 443 with the certificate (h2 by ALPN), port 80 sending all but ACME challenges to https, HSTS.</summary>
    public string HttpsLines() => TemplateRenderer.Render("haproxy-https.cfg", new Dictionary<string, string>
    {
        ["Pem"] = Pem,
        ["ChallengePath"] = ChallengePath,
        ["Hsts"] = tls.HstsMaxAgeSeconds > 0
            ? $"    http-response set-header Strict-Transport-Security \"max-age={tls.HstsMaxAgeSeconds.ToString(CultureInfo.InvariantCulture)}\" if {{ ssl_fc }}\n"
            : "",
    });

    /// <summary>Acme mode: the frontend's line sending ACME challenges to certbot, and certbot's backend.</summary>
    public (string Route, string Backend) AcmeChallenge() => tls.Mode != TlsMode.Acme ? ("", "") :
    (
        $"    use_backend {AcmeBackend} if {{ path_beg {ChallengePath} }}\n",
        TemplateRenderer.Render("haproxy-acme-challenge.cfg", new Dictionary<string, string>
        {
            ["AcmeBackend"] = AcmeBackend,
            ["ChallengePort"] = ChallengePort.ToString(CultureInfo.InvariantCulture),
        })
    );
}
