using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Sandbox;

[TaskName("ProvisionSandbox")]
[TaskDescription("Provision for the sandbox provider: the same as SandboxUp; skipped for other providers")]
[CheckMode(CheckBehaviour.Reports)]
[SkipReason("ProvisionSandbox runs only for an environment whose Provider is sandbox")]
public sealed class ProvisionSandboxTask(RunConnections connections, RunTasks tasks) : FrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Provider == ProviderKind.Sandbox;

    public override void Run(DeployContext context)
    {
        // A run taking the deploy lock reaches the web hosts next: when no host is to boot (known_hosts stays as it is),
        // their SSH connections open while the sandbox is checked.
        if (!context.Options.Check && tasks.Includes(DeployLockTask.Name) && SandboxTasks.For(context).BootsNone())
        {
            connections.Open(context, "reach the web hosts");
        }

        SandboxTasks.Up(context);
    }
}
