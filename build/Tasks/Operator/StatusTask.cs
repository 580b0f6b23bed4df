using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Status")]
[TaskDescription("Per web host: the serving release and its git commit, both gunicorn instances, the deploy lock, the last deploy, free disk, a pending reboot, the site's answer through nginx (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class StatusTask(RunConnections connections, RunOutput output) : OperatorTask(connections)
{
    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var status = await Task.WhenAll(hosts.Select(async host => HostStatus.Parse(host.Name, (await executor.RunAsync(host, commands.Status())).Stdout)));
        output.Publish("Status", new StatusResult(status));
    }
}
