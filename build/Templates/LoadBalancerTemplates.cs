using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Templates;

/// <summary>The sandbox load balancer's HAProxy configuration, rendered from the site's settings and its web hosts.</summary>
public static class LoadBalancerTemplates
{
    /// <summary>How often HAProxy asks each web host's health URL; two failures in a row take it out, two passes put it back.</summary>
    public const int CheckIntervalMs = 1000;

    public static string Haproxy(SiteSettings site, IReadOnlyList<SshTarget> webHosts, string runtimeSocket, string backend) =>
        TemplateRenderer.Render("haproxy.cfg", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["Domain"] = site.Domain,
            ["Backend"] = backend,
            ["RuntimeSocket"] = runtimeSocket,
            ["HealthPath"] = SiteTemplates.HealthPath,
            ["CheckIntervalMs"] = CheckIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectTimeoutMs"] = "1000",
            ["ServerTimeoutSeconds"] = Math.Min(site.GunicornTimeoutSeconds, 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Servers"] = string.Join('\n', webHosts.Select(host => $"    server {host.Name} {host.Address}:80")),
        });
}
