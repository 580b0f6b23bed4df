using Cake.Core.Diagnostics;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;

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

    /// <summary>
    /// HAProxy installed and configured on the load balancer host (ok or changed, nothing changed under --check): over
    /// https when it holds the site's certificate file (read first), with certbot's share in acme mode.
    /// </summary>
    public async Task ConfigureAsync(DeployContext context)
    {
        await connections.OpenAsync(context, "configure the load balancer");
        var settings = context.Settings;
        var balancer = Balancer(settings);
        var servesTls = settings.Tls.Mode != TlsMode.Off
            && LoadBalancerTls.Present(await connections.Executor.RunAsync(balancer.Host, new LoadBalancerTls(settings.Site, settings.Tls).ReadPem()));
        await RunAsync(context, balancer.Plan(TaskName, servesTls, TlsHostPlan.LoadBalancer(settings, TlsHostPlan.AcmeCaBundle(settings, context.RepositoryRoot))));
    }

    /// <summary>The site's certificate on the load balancer, then HAProxy over https, checked over https through it (see <see cref="LoadBalancerCertificateStep"/>).</summary>
    public async Task CertificateAsync(DeployContext context, ReleaseDeployer deployer, IReadOnlyList<string> trustedRoots, string taskName)
    {
        await connections.OpenAsync(context, "the site's certificate on the load balancer");
        var settings = context.Settings;
        var balancer = Balancer(settings);
        var files = settings.Tls.Mode == TlsMode.Files;
        // lb1 is asked straight: the sandbox's load balancer, never behind a forward as AWS's web hosts are.
        var probe = new HttpHealthProbe(settings.Site.Domain, trustedRoots, _ => true, DirectHostPorts.Instance);
        await new LoadBalancerCertificateStep(connections.Executor, balancer.Host, settings, recorder, line => log.Information(line),
            servesTls => RunAsync(context, new PlannedTask(taskName, [balancer.Configuration(servesTls)])),
            async () => await probe.WaitForAsync(balancer.Host, await deployer.ServingIdAsync(), TimeSpan.FromSeconds(settings.Timeouts.HealthCheckSeconds), CancellationToken.None),
            files ? Path.Combine(context.RepositoryRoot, settings.Tls.CertificateChain) : null, files ? context.Secrets.Get(settings.Tls.CertificateKey) : null).RunAsync();
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

    /// <summary>The load balancer host, as the deploy's result names it (where the site's traffic enters).</summary>
    public static SshTarget Host(DeploySettings settings) => Balancer(settings).Host;

    private Task RunAsync(DeployContext context, PlannedTask task) =>
        new HostConfiguration(connections.Executor, [Balancer(context.Settings).Host], [task], recorder, line => log.Verbose(line),
            TimeSpan.FromSeconds(context.Settings.Timeouts.RebootSeconds)).RunTaskAsync(task.Name);

    private static SandboxLoadBalancer Balancer(DeploySettings settings)
    {
        var host = SandboxAddresses.Of(settings.Sandbox).LoadBalancer ?? throw new InvalidOperationException("Sandbox.LoadBalancer names no host.");
        return new SandboxLoadBalancer(new SshTarget(host.Name, host.Address.ToString(), settings.Ssh.Port), settings.Site, settings.Tls, new SandboxHostInventory(settings).WebHosts());
    }
}
