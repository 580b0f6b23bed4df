using System.Globalization;
using System.Net;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// The apt-cacher-ng configuration of the sandbox's package proxy (build/Templates/apt-cacher-ng.conf):
/// listening only on loopback and the bridge, serving only the repositories this machine's own apt
/// sources name (ForceManaged), its PID file and socket in the runtime folder its user can reach.
/// </summary>
public static class ProxyConfiguration
{
    /// <summary>The system user the apt-cacher-ng package creates; the proxy runs as it, never as root.</summary>
    public const string User = "apt-cacher-ng";

    public static string Render(IReadOnlyList<AptSource> sources, IPAddress bridge, SandboxLayout layout)
    {
        var uris = sources.Select(s => s.Uri).Distinct(StringComparer.Ordinal).ToList();
        if (uris.Count == 0)
        {
            throw new SandboxException("This machine's apt sources (/etc/apt/sources.list, sources.list.d) name no http:// Debian mirror for the sandbox's release; add one, then run again.");
        }

        return TemplateRenderer.Render("apt-cacher-ng.conf", new Dictionary<string, string>
        {
            ["Port"] = SandboxLayout.ProxyPort.ToString(CultureInfo.InvariantCulture),
            ["Bridge"] = bridge.ToString(),
            ["PidFile"] = layout.ProxyPidFile,
            ["SocketPath"] = layout.ProxySocket,
            ["Remaps"] = string.Join('\n', uris.Select((uri, i) => $"Remap-sandbox{i}: {uri} /sandbox{i} ; {uri}")),
        });
    }

    /// <summary>The apt.conf.d file that sends a host's apt through the proxy on the bridge.</summary>
    public static string AptClient(IPAddress bridge) =>
        $"// Written by the coralnet-deploy sandbox: apt goes through the package proxy on the bridge.\nAcquire::http::Proxy \"http://{bridge}:{SandboxLayout.ProxyPort}/\";\n";
}
