using System.Globalization;
using System.Text;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Templates;

/// <summary>The values of the site's config files (nginx site, gunicorn units, environment file, maintenance page), taken from typed settings.</summary>
public static class SiteTemplates
{
    /// <summary>The site's health URL: its release id while the database answers (the deploy's checks and the load balancers' ask it).</summary>
    public const string HealthPath = "/health/";

    /// <summary>gunicorn's wait for in-flight requests when an instance stops, and systemd's beyond it.</summary>
    public const int GracefulTimeoutSeconds = 30;
    public const int StopTimeoutSeconds = GracefulTimeoutSeconds + 10;

    /// <summary>nginx gives up this much before gunicorn does (604800 s against 604810 s).</summary>
    public const int ProxyTimeoutMarginSeconds = 10;

    public const string NginxSiteTemplate = "nginx-site.conf";

    /// <summary>
    /// The site's nginx config, sending requests to the gunicorn instance on <paramref name="gunicornPort"/>;
    /// over https when <paramref name="servesTls"/> (the host holds the certificate: port 80 then answers
    /// ACME challenges and 301), over http otherwise (ACME challenges answered there too in acme mode);
    /// from <paramref name="template"/> when given (the embedded one otherwise); shaped for what stands in
    /// <paramref name="front"/> of nginx (directly reached by default).
    /// </summary>
    public static string NginxSite(SiteSettings site, TlsSettings tls, ReleasePaths paths, int gunicornPort, bool servesTls, string? template = null, NginxFront? front = null)
    {
        front ??= NginxFront.Direct;
        var tlsPaths = new TlsPaths(paths, tls.Mode);
        var siteVariable = site.Name.Replace('-', '_');
        var domains = string.Join(' ', Names(site));
        var hsts = tls.HstsMaxAgeSeconds > 0 ? $"    add_header Strict-Transport-Security \"max-age={Number(tls.HstsMaxAgeSeconds)}\" always;" : "";
        var challenge = tls.Mode == TlsMode.Acme
            ? TemplateRenderer.Render("nginx-acme-challenge.conf", new Dictionary<string, string> { ["ChallengeRoot"] = tlsPaths.ChallengeRoot })
            : "";
        return TemplateRenderer.RenderText(NginxSiteTemplate, template ?? TemplateRenderer.Load(NginxSiteTemplate), new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["SiteVariable"] = siteVariable,
            ["ForwardedProtoMap"] = front is { HttpsAtLoadBalancer: true, TrustedProxy: { } proxy }
                ? TemplateRenderer.Render("nginx-forwarded-proto.conf", new Dictionary<string, string> { ["SiteVariable"] = siteVariable, ["LoadBalancer"] = proxy })
                : "",
            ["ForwardedProto"] = !front.HttpsAtLoadBalancer ? "$scheme" : front.TrustedProxy is null ? "$http_x_forwarded_proto" : $"${siteVariable}_forwarded_proto",
            ["Domains"] = domains,
            ["SiteListen"] = servesTls ? "    listen 443 ssl http2;" : "    listen 80;",
            ["HttpsOnlyServers"] = servesTls
                ? TemplateRenderer.Render("nginx-https-servers.conf", new Dictionary<string, string> { ["Domains"] = domains, ["AcmeChallenge"] = challenge })
                : "",
            ["TlsDirectives"] = servesTls
                ? TemplateRenderer.Render("nginx-tls.conf", new Dictionary<string, string>
                {
                    ["CertificateChain"] = tlsPaths.Chain,
                    ["CertificateKey"] = tlsPaths.Key,
                    ["SiteVariable"] = siteVariable,
                    ["Hsts"] = hsts,
                })
                : front.SendsHsts && hsts.Length > 0 ? "    # HTTPS ends at the load balancer, which passes this header on to browsers.\n" + hsts : "",
            ["DefaultServerAnswers"] = front.HealthForAnyHost
                ? TemplateRenderer.Render("nginx-default-health.conf", new Dictionary<string, string>
                {
                    ["HealthPath"] = HealthPath,
                    ["GunicornPort"] = Number(gunicornPort),
                    ["Domain"] = site.Domain,
                    ["VisitorScheme"] = front.HttpsAtLoadBalancer ? "https" : "http",
                }).TrimEnd('\n')
                : "    return 444;",
            ["AcmeChallenge"] = servesTls ? "" : challenge,
            ["ClientMaxBodySizeMegabytes"] = Number(site.ClientMaxBodySizeMegabytes),
            ["CurrentRelease"] = paths.Current,
            ["SharedDirectory"] = paths.Shared,
            ["MaintenanceFlag"] = paths.MaintenanceFlag,
            ["GunicornPort"] = Number(gunicornPort),
            ["GunicornTimeoutSeconds"] = Number(site.GunicornTimeoutSeconds),
            ["ProxyReadTimeoutSeconds"] = Number(Math.Max(1, site.GunicornTimeoutSeconds - ProxyTimeoutMarginSeconds)),
        });
    }

    /// <summary>Every name the site answers to: Site.Domain first, then Site.ExtraDomains.</summary>
    public static IReadOnlyList<string> Names(SiteSettings site) => [site.Domain, .. site.ExtraDomains.Where(d => d != site.Domain).Distinct()];

    public static string GunicornSocket(SiteSettings site)
    {
        var ports = GunicornSlots.Ports(site);
        return TemplateRenderer.Render("gunicorn.socket", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["FirstPort"] = Number(ports[0]),
            ["SecondPort"] = Number(ports[1]),
        });
    }

    public static string GunicornService(SiteSettings site, ReleasePaths paths) =>
        TemplateRenderer.Render("gunicorn.service", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["SiteUser"] = paths.SiteUser,
            ["SiteGroup"] = paths.SiteGroup,
            ["EnvironmentFile"] = paths.EnvironmentFile,
            ["SlotsDirectory"] = paths.Slots,
            ["Workers"] = Number(site.Workers),
            ["GunicornTimeoutSeconds"] = Number(site.GunicornTimeoutSeconds),
            ["GracefulTimeoutSeconds"] = Number(GracefulTimeoutSeconds),
            ["StopTimeoutSeconds"] = Number(StopTimeoutSeconds),
        });

    /// <summary>The container unit of Site.Runtime container: the gunicorn unit's name, the site's image of the slot's release, run by <paramref name="engine"/>.</summary>
    public static string ContainerService(SiteSettings site, ReleasePaths paths, HostEngine engine) =>
        TemplateRenderer.Render("site-container.service", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["Engine"] = engine.Name,
            ["EngineDependencies"] = engine.UnitDependencies,
            ["EnvironmentFile"] = paths.EnvironmentFile,
            ["SlotsDirectory"] = paths.Slots,
            ["EngineLines"] = engine.UnitLines(site.Name + "-%i", HostEngine.RunOptions(ContainerEnvironmentNames()), GracefulTimeoutSeconds).TrimEnd('\n'),
            ["StopTimeoutSeconds"] = Number(StopTimeoutSeconds),
        });

    /// <summary>The account the site's containers run as, whatever the image says: nobody.</summary>
    public const string ContainerUser = "65534:65534";

    /// <summary>
    /// The variables a container of the site gets from systemd's environment (the engine's -e NAME): every one
    /// the environment file sets, the release's own, and gunicorn's address.
    /// </summary>
    public static IReadOnlyList<string> ContainerEnvironmentNames() =>
    [
        .. TemplateRenderer.Load("site.env").Split('\n').Select(line => line.Split('=')[0]).Where(name => name.Length > 0 && name.All(c => char.IsAsciiLetterUpper(c) || c == '_')),
        "RELEASE_ID", "RELEASE_COMMIT", "RELEASE_DIRTY", "GUNICORN_CMD_ARGS",
    ];

    /// <summary>The environment file; it holds secrets, so it comes back as a <see cref="Secret"/>.</summary>
    public static Secret EnvironmentFile(SiteSettings site, SiteEnvironment environment) =>
        new(TemplateRenderer.Render("site.env", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["DatabaseName"] = Quote("DATABASE_NAME", environment.DatabaseName),
            ["DatabaseUser"] = Quote("DATABASE_USER", environment.DatabaseUser),
            ["DatabasePassword"] = Quote("DATABASE_PASSWORD", environment.DatabasePassword.Reveal()),
            ["DatabaseHost"] = Quote("DATABASE_HOST", environment.DatabaseHost),
            ["DatabasePort"] = Quote("DATABASE_PORT", Number(environment.DatabasePort)),
            ["SecretKey"] = Quote("SECRET_KEY", environment.SecretKey.Reveal()),
            ["AllowedHosts"] = Quote("ALLOWED_HOSTS", string.Join(',', environment.AllowedHosts)),
            ["BucketName"] = Quote("BUCKET_NAME", environment.BucketName),
            ["SecureCookies"] = environment.Https ? "1" : "0",
            ["CsrfTrustedOrigins"] = Quote("CSRF_TRUSTED_ORIGINS", environment.Https ? string.Join(',', environment.AllowedHosts.Select(h => "https://" + h)) : ""),
        }));

    public static string MaintenancePage(SiteSettings site) =>
        TemplateRenderer.Render("maintenance.html", new Dictionary<string, string> { ["Domain"] = site.Domain });

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value both systemd's EnvironmentFile= and sh read alike: double quotes, with \ " $ ` escaped.</summary>
    private static string Quote(string name, string value)
    {
        if (value.Any(char.IsControl))
        {
            // The value itself is never shown: it may be a secret.
            throw new InvalidOperationException($"{name} holds a control character (a newline?); an environment file cannot carry it. Fix the setting or the variable it comes from.");
        }

        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '\\' or '"' or '$' or '`')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }
}

/// <summary>What the Django site reads from its environment file; <paramref name="Https"/>: the site is served over https (secure cookies, CSRF origins https://NAME).</summary>
public sealed record SiteEnvironment(
    string DatabaseName,
    string DatabaseUser,
    Secret DatabasePassword,
    string DatabaseHost,
    int DatabasePort,
    Secret SecretKey,
    IReadOnlyList<string> AllowedHosts,
    string BucketName,
    bool Https = false);
