using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>
/// The sandbox's load balancer host: Debian's HAProxy (and socat, to speak to its runtime API),
/// configured from the haproxy.cfg template with the web hosts as servers; a changed configuration is
/// checked with <c>haproxy -c</c> before it is installed and HAProxy reloads. HTTPS ends here (see <see cref="Tls.LoadBalancerTls"/>).
/// </summary>
public sealed class SandboxLoadBalancer(SshTarget host, SiteSettings site, TlsSettings tls, IReadOnlyList<SshTarget> webHosts)
{
    /// <summary>The runtime API's socket: root's only.</summary>
    public const string RuntimeSocket = "/run/haproxy-admin.sock";

    /// <summary>The backend of the web hosts, each a server named as its host.</summary>
    public const string Backend = "web";

    public const string ConfigFile = "/etc/haproxy/haproxy.cfg";

    public SshTarget Host => host;

    public HaproxyCommands Commands { get; } = new(RuntimeSocket, Backend);

    /// <summary>
    /// The load balancer host's wanted state, as one task of host items (ok or changed, like ConfigureHost's): HAProxy
    /// over https when <paramref name="servesTls"/> (it holds the certificate file), then <paramref name="tlsItems"/> (certbot's share).
    /// </summary>
    public PlannedTask Plan(string taskName, bool servesTls, IReadOnlyList<IHostResource> tlsItems) => new(taskName,
    [
        new PackagesResource([.. HaproxyCommands.Packages.Split(' '), .. tls.Mode == TlsMode.Acme ? ["certbot"] : Array.Empty<string>()]),
        Configuration(servesTls),
        .. tlsItems,
    ]);

    /// <summary>haproxy.cfg, checked with haproxy -c before it is installed; HAProxy reloads only then.</summary>
    public FileResource Configuration(bool servesTls) =>
        new(ConfigFile, LoadBalancerTemplates.Haproxy(site, tls, servesTls, webHosts, RuntimeSocket, Backend), "root", "root", Convert.ToInt32("644", 8),
            validate: "haproxy -c -q -f", onChange: "systemctl reload-or-restart haproxy");

    public HaproxyLoadBalancer Runtime(IRemoteExecutor executor, TimeoutSettings timeouts, Action<string> log) =>
        new(executor, host, Commands, Backend, TimeSpan.FromSeconds(timeouts.DrainSeconds), TimeSpan.FromSeconds(timeouts.LoadBalancerHealthySeconds), log);
}
