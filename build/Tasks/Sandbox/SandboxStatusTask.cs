using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("SandboxStatus")]
[TaskDescription("Lists the sandbox's hosts with their addresses and whether each is running")]
public sealed class SandboxStatusTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context)
    {
        foreach (var status in SandboxTasks.For(context).Status())
        {
            context.Log.Information("{0} {1} {2}", status.Host.Name, status.Host.Address, status.Running ? "running" : "stopped");
        }
    }
}
