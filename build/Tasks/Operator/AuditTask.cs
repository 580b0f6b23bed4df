using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Audit")]
[TaskDescription("The last --lines lines of every web host's audit log (deploys, rollbacks, maintenance, locks), merged by time")]
[CheckMode(CheckBehaviour.ChangesNothing)]
[UsesTaskArgument(LogsTask.LinesOption)]
public sealed class AuditTask(RunConnections connections, RunOutput output) : OperatorTask(connections)
{
    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var lines = LogsTask.Lines(context);
        var logs = await Task.WhenAll(hosts.Select(async host => (host.Name, (await executor.RunAsync(host, commands.ReadAudit(lines))).Stdout)));
        var entries = logs.SelectMany(log => log.Stdout.Split('\n').Select(line => AuditEntry.TryParse(line, log.Name))).OfType<AuditEntry>();
        output.Publish("Audit", new AuditResult(entries.OrderBy(e => e.Time).TakeLast(lines)));
    }
}
