using Cake.Core.Diagnostics;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Release;

/// <summary>
/// The run's load balancer, when its deploy rolls through the web hosts: the sandbox's HAProxy host, over
/// the run's SSH session, or the AWS load balancer's target group, over the run's AWS clients.
/// </summary>
public sealed class LoadBalancerSession(ICakeLog log, RunConnections connections, RunRecorder recorder) : IDisposable
{
    public const string TaskName = "ConfigureLoadBalancer";

    private AwsServices? _aws;

    /// <summary>Whether the environment's deploy rolls through its web hosts at a load balancer.</summary>
    public static bool Present(DeploySettings settings) => SiteFront.Rolls(settings);

    /// <summary>Whether the suite configures the load balancer host itself (the sandbox's HAProxy; Provision makes the AWS one).</summary>
    public static bool ConfiguresHost(DeploySettings settings) => settings.Provider == ProviderKind.Sandbox && settings.Sandbox.LoadBalancer.Length > 0;

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
    public async Task<ILoadBalancer> RuntimeAsync(DeployContext context)
    {
        if (context.Settings.Provider != ProviderKind.Aws)
        {
            return Balancer(context.Settings).Runtime(connections.Executor, context.Settings.Timeouts, line => log.Information(line));
        }

        var awsLog = new CakeAwsLog(log);
        _aws ??= context.Aws.Connect(context.Settings.Aws, awsLog);
        return await AlbLoadBalancer.FindAsync(_aws, context.Settings, awsLog, AlbLoadBalancer.Poll, CancellationToken.None);
    }

    public void Dispose() => _aws?.Dispose();

    private static SandboxLoadBalancer Balancer(DeploySettings settings)
    {
        var host = SandboxAddresses.Of(settings.Sandbox).LoadBalancer ?? throw new InvalidOperationException("Sandbox.LoadBalancer names no host.");
        return new SandboxLoadBalancer(new SshTarget(host.Name, host.Address.ToString(), settings.Ssh.Port), settings.Site, new SandboxHostInventory(settings).WebHosts());
    }
}
