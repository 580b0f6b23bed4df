using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Release;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Status")]
[TaskDescription("Per web host: the serving release and its git commit, both gunicorn instances, the deploy lock, the last deploy, free disk, a pending reboot, the site's answer through nginx; the sandbox load balancer's certificate where HTTPS ends there (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class StatusTask(RunConnections connections, RunOutput output) : OperatorTask(connections)
{
    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var balancer = BalancerAsync(context.Settings, executor);
        var status = await Task.WhenAll(hosts.Select(async host => HostStatus.Parse(host.Name, (await executor.RunAsync(host, commands.Status())).Stdout)));
        output.Publish("Status", new StatusResult(status, await balancer));
    }

    /// <summary>
    /// The certificate the sandbox's load balancer serves, when HTTPS ends there; null otherwise. A load balancer that
    /// cannot be read is said in the report, not a failed Status: Status is what an operator runs when something is down.
    /// </summary>
    private static async Task<LoadBalancerStatus?> BalancerAsync(DeploySettings settings, IRemoteExecutor executor)
    {
        if (!LoadBalancerTls.EndsThere(settings) || settings.Tls.Mode == TlsMode.Off)
        {
            return null;
        }

        var host = LoadBalancerSession.Host(settings);
        try
        {
            var read = await executor.RunAsync(host, new LoadBalancerTls(settings.Site, settings.Tls).ReadCertificate());
            return new LoadBalancerStatus(host.Name, CertificateLine.Parse(read.Stdout));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new LoadBalancerStatus(host.Name, null, exception.Message);
        }
    }
}
