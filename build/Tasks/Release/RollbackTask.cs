using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Rollback")]
[TaskDescription("Serves the release before the serving one again (or --release=ID), with the same zero-downtime cutover and health check as a deploy, under the deploy lock")]
public sealed class RollbackTask(ReleaseRunSession session, RunOutput output) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        var requested = context.Arguments.HasArgument("release") ? context.Arguments.GetArgument("release") : null;
        var target = await deployer.ChooseRollbackAsync(requested);
        await deployer.LockAsync(DeployLockTask.Holder(target), DeployLockTask.LockWait(context));
        await deployer.StartStandbyAsync(target);
        await deployer.SwitchAsync(target);
        await deployer.ReloadNginxAsync();
        await deployer.HealthCheckAsync(target);
        await deployer.FinishAsync();
        output.Publish("Rollback", new DeployResult(target, deployer.SiteUrl, context.Settings.Site.Domain, deployer.Hosts));
    }
}
