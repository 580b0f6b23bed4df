using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("ProvisionSandbox")]
[TaskDescription("Provision for the sandbox provider: the same as SandboxUp; skipped for other providers")]
[CheckMode(CheckBehaviour.Reports)]
[SkipReason("ProvisionSandbox runs only for an environment whose Provider is sandbox")]
public sealed class ProvisionSandboxTask : FrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Provider == ProviderKind.Sandbox;

    public override void Run(DeployContext context) => SandboxTasks.Up(context);
}
