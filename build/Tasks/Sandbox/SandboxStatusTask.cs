using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("SandboxStatus")]
[TaskDescription("Lists the sandbox's hosts with their addresses and whether each is running, and which checkout's sandbox holds this machine")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class SandboxStatusTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context)
    {
        var sandbox = SandboxTasks.For(context);
        if (sandbox.Claim is { } claim && !claim.IsHeldBy(sandbox.Layout))
        {
            context.Log.Warning(claim.HeldElsewhere(context.RepositoryRoot));
        }

        SandboxTasks.WriteStatus(context, sandbox, "stopped");
    }
}
