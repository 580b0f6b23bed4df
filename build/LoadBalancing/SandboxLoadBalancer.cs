using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>
/// The sandbox's load balancer host: Debian's HAProxy (and socat, to speak to its runtime API),
/// configured from the haproxy.cfg template with the web hosts as servers; a changed configuration is
/// checked with <c>haproxy -c</c> before it is installed and HAProxy reloads.
/// </summary>
public sealed class SandboxLoadBalancer(SshTarget host, SiteSettings site, IReadOnlyList<SshTarget> webHosts)
{
    /// <summary>The runtime API's socket: root's only.</summary>
    public const string RuntimeSocket = "/run/haproxy-admin.sock";

    /// <summary>The backend of the web hosts, each a server named as its host.</summary>
    public const string Backend = "web";

    public const string ConfigFile = "/etc/haproxy/haproxy.cfg";

    public SshTarget Host => host;

    public HaproxyCommands Commands { get; } = new(RuntimeSocket, Backend);

    /// <summary>The load balancer host's wanted state, as one task of host items (ok or changed, like ConfigureHost's).</summary>
    public PlannedTask Plan(string taskName) => new(taskName,
    [
        new PackagesResource(HaproxyCommands.Packages.Split(' ')),
        new FileResource(ConfigFile, LoadBalancerTemplates.Haproxy(site, webHosts, RuntimeSocket, Backend), "root", "root", Convert.ToInt32("644", 8),
            validate: "haproxy -c -q -f", onChange: "systemctl reload-or-restart haproxy"),
    ]);

    public HaproxyLoadBalancer Runtime(IRemoteExecutor executor, TimeoutSettings timeouts, Action<string> log) =>
        new(executor, host, Commands, Backend, TimeSpan.FromSeconds(timeouts.DrainSeconds), TimeSpan.FromSeconds(timeouts.LoadBalancerHealthySeconds), log);
}
