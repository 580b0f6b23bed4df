using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("SandboxUp")]
[TaskDescription("Boots the sandbox's Debian hosts on this machine (installs its tools and builds its base on first use); keeps running hosts")]
[CheckMode(CheckBehaviour.Reports)]
public sealed class SandboxUpTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => SandboxTasks.Up(context);
}
