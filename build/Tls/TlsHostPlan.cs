using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// What a web host needs for its certificate, as host resources. Acme mode: certbot (its package's
/// timer renews), the webroot nginx answers challenges from, the deploy hook that reloads nginx after
/// nginx -t, and, for an ACME directory whose own certificate the host does not trust (a test CA),
/// that CA for certbot's renewals (REQUESTS_CA_BUNDLE in a drop-in of certbot.service).
/// </summary>
public static class TlsHostPlan
{
    public const string PrepareTls = "PrepareTls";

    private static readonly int PublicDirectoryMode = Convert.ToInt32("755", 8);
    private static readonly int ScriptMode = Convert.ToInt32("755", 8);
    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);

    /// <summary>The Debian packages the mode needs.</summary>
    public static IReadOnlyList<string> Packages(TlsSettings tls) => tls.Mode == TlsMode.Acme ? ["certbot"] : [];

    /// <param name="acmeCaBundle">The text of Tls.AcmeCaBundle's file, when set.</param>
    /// <summary>The PEM text of the CA certbot must trust for the ACME directory (Tls.AcmeCaBundle, under the checkout), or null for a public CA.</summary>
    public static string? AcmeCaBundle(DeploySettings settings, string repositoryRoot) =>
        settings.Tls.Mode == TlsMode.Acme && settings.Tls.AcmeCaBundle.Length > 0 ? File.ReadAllText(Path.Combine(repositoryRoot, settings.Tls.AcmeCaBundle)) : null;

    public static PlannedTask Build(DeploySettings settings, string? acmeCaBundle)
    {
        var paths = new TlsPaths(new ReleasePaths(settings.Site.Root, settings.Site.Name), settings.Tls.Mode);
        if (settings.Tls.Mode != TlsMode.Acme)
        {
            return new(PrepareTls, []);
        }

        var siteName = new Dictionary<string, string> { ["SiteName"] = settings.Site.Name };
        return new(PrepareTls,
        [
            new DirectoryResource(paths.ChallengeRoot, "root", "root", PublicDirectoryMode),
            new FileResource(paths.DeployHook, TemplateRenderer.Render("certbot-deploy-hook.sh", siteName), "root", "root", ScriptMode),
            .. acmeCaBundle is null ? [] : new IHostResource[]
            {
                new FileResource(paths.AcmeCaBundle, acmeCaBundle, "root", "root", ConfigFileMode),
                new FileResource(CertbotDropIn(settings.Site.Name), TemplateRenderer.Render("certbot-acme-ca.conf", new Dictionary<string, string> { ["SiteName"] = settings.Site.Name, ["CaBundle"] = paths.AcmeCaBundle }),
                    "root", "root", ConfigFileMode, onChange: "systemctl daemon-reload"),
            },
            new SystemdUnitResource("certbot.timer"),
        ]);
    }

    public static string CertbotDropIn(string siteName) => $"/etc/systemd/system/certbot.service.d/{siteName}-acme-ca.conf";
}
