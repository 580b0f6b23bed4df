using System.Net;
using System.Text;

namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// The apt-cacher-ng configuration of the sandbox's package proxy: listening only on loopback and the
/// bridge, serving only the repositories this machine's own apt sources name (ForceManaged).
/// </summary>
public static class ProxyConfiguration
{
    /// <summary>The system user the apt-cacher-ng package creates; the proxy runs as it, never as root.</summary>
    public const string User = "apt-cacher-ng";

    public static string Render(IReadOnlyList<AptSource> sources, IPAddress bridge, string runtimeFolder)
    {
        var uris = sources.Select(s => s.Uri).Distinct(StringComparer.Ordinal).ToList();
        if (uris.Count == 0)
        {
            throw new SandboxException("This machine's apt sources (/etc/apt/sources.list, sources.list.d) name no http:// Debian mirror for the sandbox's release; add one, then run again.");
        }

        var text = new StringBuilder()
            .AppendLine("# Written by the coralnet-deploy sandbox at each start; edits are lost.")
            .AppendLine("CacheDir: /var/cache/apt-cacher-ng")
            .AppendLine("LogDir: /var/log/apt-cacher-ng")
            .AppendLine("SupportDir: /usr/lib/apt-cacher-ng")
            .AppendLine($"Port: {SandboxLayout.ProxyPort}")
            .AppendLine($"BindAddress: 127.0.0.1 {bridge}")
            .AppendLine($"PidFile: {Path.Combine(runtimeFolder, "pid")}")
            .AppendLine($"SocketPath: {Path.Combine(runtimeFolder, "socket")}")
            .AppendLine("ForeGround: 0")
            .AppendLine("ForceManaged: 1")
            .AppendLine("ExThreshold: 4");
        for (var i = 0; i < uris.Count; i++)
        {
            // Requests for the mirror (through the proxy) or for /sandboxN on the proxy itself go to the mirror.
            text.AppendLine($"Remap-sandbox{i}: {uris[i]} /sandbox{i} ; {uris[i]}");
        }

        return text.ToString();
    }

    /// <summary>The apt.conf.d file that sends a host's apt through the proxy on the bridge.</summary>
    public static string AptClient(IPAddress bridge) =>
        $"// Written by the coralnet-deploy sandbox: apt goes through the package proxy on the bridge.\nAcquire::http::Proxy \"http://{bridge}:{SandboxLayout.ProxyPort}/\";\n";
}
