using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

/// <summary>An everyday operator target: the web hosts (after --hosts) over the run's verified connections, and the commands it sends.</summary>
public abstract class OperatorTask(RunConnections connections) : AsyncFrostingTask<DeployContext>
{
    protected RunConnections Connections => connections;

    public sealed override async Task RunAsync(DeployContext context)
    {
        var (_, hosts) = await connections.OpenAsync(context, "reach the web hosts");
        await RunAsync(context, new OperatorCommands(context.Settings.Site), connections.Executor, hosts);
    }

    protected abstract Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts);
}
