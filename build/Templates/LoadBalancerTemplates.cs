using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Templates;

/// <summary>The sandbox load balancer's HAProxy configuration, rendered from the site's settings and its web hosts.</summary>
public static class LoadBalancerTemplates
{
    /// <summary>How often HAProxy asks each web host's health URL; two failures in a row take it out, two passes put it back.</summary>
    public const int CheckIntervalMs = 1000;

    /// <summary>How soon a web host between states (one check failed, or one passed while it is down) is checked again.</summary>
    public const int FastCheckIntervalMs = 100;

    /// <param name="tls">How the site gets its certificate (Tls.Mode off: plain http only).</param>
    /// <param name="servesTls">Whether the load balancer holds the certificate file: 443 then serves the site and port 80 answers 301 (but ACME challenges).</param>
    public static string Haproxy(SiteSettings site, TlsSettings tls, bool servesTls, IReadOnlyList<SshTarget> webHosts, string runtimeSocket, string backend)
    {
        var https = new LoadBalancerTls(site, tls);
        var (challengeRoute, challengeBackend) = https.AcmeChallenge();
        return TemplateRenderer.Render("haproxy.cfg", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["Domain"] = site.Domain,
            ["Backend"] = backend,
            ["RuntimeSocket"] = runtimeSocket,
            ["HealthPath"] = SiteTemplates.HealthPath,
            ["CheckIntervalMs"] = CheckIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FastCheckIntervalMs"] = FastCheckIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectTimeoutMs"] = "1000",
            ["ServerTimeoutSeconds"] = Math.Min(site.GunicornTimeoutSeconds, 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Https"] = servesTls && tls.Mode != TlsMode.Off ? https.HttpsLines() : "",
            ["AcmeChallenge"] = challengeRoute,
            ["AcmeChallengeBackend"] = challengeBackend,
            ["Servers"] = string.Join('\n', webHosts.Select(host => $"    server {host.Name} {host.Address}:80")),
        });
    }
}
