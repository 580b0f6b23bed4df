using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("PreDeployHook")]
[TaskDescription("Release: runs the site's deploy/hooks/pre-deploy on this machine, when it has one, with CORALNET_* variables describing the run; when it fails the deploy stops before the lock, nothing changed")]
[IsDependentOn(typeof(PackageReleaseTask))]
[SkipReason("the pre-deploy hook runs for Deploy only")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class PreDeployHookTask(RunConnections connections, RunAudit audit, ICakeLog log) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => context.Options.Target.Equals("Deploy", StringComparison.OrdinalIgnoreCase);

    public override async Task RunAsync(DeployContext context)
    {
        var (_, hosts) = await connections.OpenAsync(context, "deploy the site");
        var (hooks, run) = RunAudit.Hooks(context, "Deploy", audit.Release, audit.Commit, hosts.Select(h => h.Name), line => log.Information(line));
        if (!hooks.Run(DeployHooks.PreDeploy, run))
        {
            throw new ReleaseException($"The pre-deploy hook ({hooks.Directory}/{DeployHooks.PreDeploy}) failed: the deploy stopped before taking the lock; nothing changed.");
        }
    }
}
