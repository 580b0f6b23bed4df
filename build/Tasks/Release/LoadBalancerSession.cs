using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Release;

/// <summary>The run's load balancer, when its environment has one (the sandbox's HAProxy host), over the run's SSH session.</summary>
public sealed class LoadBalancerSession(ICakeLog log, RunConnections connections, RunRecorder recorder)
{
    public const string TaskName = "ConfigureLoadBalancer";

    /// <summary>Whether the environment's web hosts serve behind a load balancer the deploy rolls through.</summary>
    public static bool Present(DeploySettings settings) => settings.Provider == ProviderKind.Sandbox && settings.Sandbox.LoadBalancer.Length > 0;

    /// <summary>HAProxy installed and configured on the load balancer host (ok or changed, nothing changed under --check).</summary>
    public async Task ConfigureAsync(DeployContext context)
    {
        await connections.OpenAsync(context, "configure the load balancer");
        var balancer = Balancer(context.Settings);
        var configuration = new HostConfiguration(connections.Executor, [balancer.Host], [balancer.Plan(TaskName)], recorder, line => log.Verbose(line),
            TimeSpan.FromSeconds(context.Settings.Timeouts.RebootSeconds));
        await configuration.RunTaskAsync(TaskName);
    }

    /// <summary>The load balancer's runtime side: drain, re-enable, health.</summary>
    public ILoadBalancer Runtime(DeployContext context) =>
        Balancer(context.Settings).Runtime(connections.Executor, context.Settings.Timeouts, line => log.Information(line));

    private static SandboxLoadBalancer Balancer(DeploySettings settings)
    {
        var host = SandboxAddresses.Of(settings.Sandbox).LoadBalancer ?? throw new InvalidOperationException("Sandbox.LoadBalancer names no host.");
        return new SandboxLoadBalancer(new SshTarget(host.Name, host.Address.ToString(), settings.Ssh.Port), settings.Site, new SandboxHostInventory(settings).WebHosts());
    }
}
