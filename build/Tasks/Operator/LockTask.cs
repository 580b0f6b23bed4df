using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Lock")]
[TaskDescription("Holds deploys on every web host (for maintenance) until Unlock: a deploy is then refused with --message; refused when another run holds the lock")]
[TaskArgument(MessageOption, typeof(string), "why deploys are held, shown to whoever is refused", Placeholder = "TEXT")]
public sealed class LockTask(RunConnections connections, RunAudit audit) : OperatorTask(connections)
{
    public const string MessageOption = "message";

    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var message = context.Options.Get<string?>(MessageOption);
        if (string.IsNullOrWhiteSpace(message) || message.Any(char.IsControl))
        {
            throw new InvalidOperationException("Lock needs --message=\"...\" on one line: why deploys are held (it is shown to whoever is refused).");
        }

        audit.Message = message;
        await new HeldLock(executor, commands).HoldAsync(hosts, DeployLockHolder.ThisRun("none", message));
    }
}
