using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("LockStatus")]
[TaskDescription("Who holds the deploy lock on each web host, since when and why (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class LockStatusTask(RunConnections connections, RunOutput output) : OperatorTask(connections)
{
    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var holders = await Task.WhenAll(hosts.Select(async host =>
        {
            var line = (await executor.RunAsync(host, commands.LockStatus())).Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("lock\t", StringComparison.Ordinal));
            return KeyValuePair.Create(host.Name, line?[5..].Trim());
        }));
        output.Publish("LockStatus", new LockStatusResult(holders.ToDictionary()));
    }
}
