using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// What the host where HTTPS ends needs for its certificate, as host resources. Acme mode: certbot (its
/// package's timer renews), the deploy hook that reloads the server (nginx after nginx -t on a web host,
/// HAProxy after haproxy -c on the load balancer), and, for an ACME directory whose own certificate the
/// host does not trust (a test CA), that CA for certbot's renewals (REQUESTS_CA_BUNDLE in a drop-in of
/// certbot.service). A web host also gets the webroot nginx answers challenges from; behind a load
/// balancer the web hosts get nothing: HTTPS ends there.
/// </summary>
public static class TlsHostPlan
{
    public const string PrepareTls = "PrepareTls";

    private static readonly int PublicDirectoryMode = Convert.ToInt32("755", 8);
    private static readonly int PrivateDirectoryMode = Convert.ToInt32("700", 8);
    private static readonly int ScriptMode = Convert.ToInt32("755", 8);
    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);

    /// <summary>Whether HTTPS ends at the web hosts' nginx (no load balancer in front, and Tls.Mode not off).</summary>
    public static bool AtWebHosts(DeploySettings settings) => settings.Tls.Mode != TlsMode.Off && !LoadBalancerTls.EndsThere(settings);

    /// <summary>The Debian packages a web host needs for the mode.</summary>
    public static IReadOnlyList<string> Packages(DeploySettings settings) => settings.Tls.Mode == TlsMode.Acme && AtWebHosts(settings) ? ["certbot"] : [];

    /// <summary>The PEM text of the CA certbot must trust for the ACME directory (Tls.AcmeCaBundle, under the checkout), or null for a public CA.</summary>
    public static string? AcmeCaBundle(DeploySettings settings, string repositoryRoot) =>
        settings.Tls.Mode == TlsMode.Acme && settings.Tls.AcmeCaBundle.Length > 0 ? File.ReadAllText(Path.Combine(repositoryRoot, settings.Tls.AcmeCaBundle)) : null;

    /// <param name="acmeCaBundle">The text of Tls.AcmeCaBundle's file, when set.</param>
    public static PlannedTask Build(DeploySettings settings, string? acmeCaBundle)
    {
        var paths = new TlsPaths(new ReleasePaths(settings.Site.Root, settings.Site.Name), settings.Tls.Mode);
        if (settings.Tls.Mode != TlsMode.Acme || !AtWebHosts(settings))
        {
            return new(PrepareTls, []);
        }

        return new(PrepareTls,
        [
            new DirectoryResource(paths.ChallengeRoot, "root", "root", PublicDirectoryMode),
            .. Certbot(settings, acmeCaBundle, paths.DeployHook, TemplateRenderer.Render("certbot-deploy-hook.sh", new Dictionary<string, string> { ["SiteName"] = settings.Site.Name })),
        ]);
    }

    /// <summary>The load balancer's share (HTTPS ends there): the root-only folder of HAProxy's certificate file; in acme mode certbot, its HAProxy hook, the ACME CA and the timer.</summary>
    public static IReadOnlyList<IHostResource> LoadBalancer(DeploySettings settings, string? acmeCaBundle)
    {
        if (settings.Tls.Mode == TlsMode.Off)
        {
            return [];
        }

        var tls = new LoadBalancerTls(settings.Site, settings.Tls);
        return
        [
            new DirectoryResource(LoadBalancerTls.CertificateFolder, "root", "root", PrivateDirectoryMode),
            .. settings.Tls.Mode == TlsMode.Acme ? Certbot(settings, acmeCaBundle, tls.DeployHook, tls.DeployHookScript()) : [],
        ];
    }

    private static IEnumerable<IHostResource> Certbot(DeploySettings settings, string? acmeCaBundle, string hookPath, string hook)
    {
        var paths = new TlsPaths(new ReleasePaths(settings.Site.Root, settings.Site.Name), settings.Tls.Mode);
        yield return new FileResource(hookPath, hook, "root", "root", ScriptMode);
        if (acmeCaBundle is not null)
        {
            yield return new FileResource(paths.AcmeCaBundle, acmeCaBundle, "root", "root", ConfigFileMode);
            yield return new FileResource(CertbotDropIn(settings.Site.Name), TemplateRenderer.Render("certbot-acme-ca.conf", new Dictionary<string, string> { ["SiteName"] = settings.Site.Name, ["CaBundle"] = paths.AcmeCaBundle }),
                "root", "root", ConfigFileMode, onChange: "systemctl daemon-reload");
        }

        yield return new SystemdUnitResource("certbot.timer");
    }

    public static string CertbotDropIn(string siteName) => $"/etc/systemd/system/certbot.service.d/{siteName}-acme-ca.conf";
}
