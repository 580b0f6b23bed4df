using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("SandboxStatus")]
[TaskDescription("Lists the sandbox's hosts with their addresses and whether each is running")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class SandboxStatusTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => SandboxTasks.WriteStatus(context, "stopped");
}
