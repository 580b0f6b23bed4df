using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("SandboxDown")]
[TaskDescription("Stops the sandbox's hosts and proxy and removes their network, mounts and cgroups; the base image stays for next time")]
public sealed class SandboxDownTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => SandboxTasks.Guard(() => SandboxTasks.For(context).Down());
}
