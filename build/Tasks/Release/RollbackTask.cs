using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Rollback")]
[TaskDescription("Serves the release before the serving one again (or --release=ID), with the same zero-downtime cutover and health check as a deploy, under the deploy lock")]
[TaskArgument(ReleaseOption, typeof(string), "the release to serve again (default: the one before the serving one); Releases lists them", Placeholder = "ID")]
[UsesTaskArgument(DeployLockTask.LockWaitOption)]
public sealed class RollbackTask(ReleaseRunSession session, RunOutput output) : ReleaseTask(session)
{
    public const string ReleaseOption = "release";

    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        var requested = context.Options.Get<string?>(ReleaseOption);
        var target = await deployer.ChooseRollbackAsync(requested);
        await deployer.LockAsync(DeployLockTask.Holder(target), DeployLockTask.LockWait(context));
        await deployer.StartStandbyAsync(target);
        await deployer.SwitchAsync(target);
        await deployer.ReloadNginxAsync();
        await deployer.HealthCheckAsync(target);
        await deployer.FinishAsync();
        output.Publish("Rollback", new DeployResult(target, deployer.SiteUrl, context.Settings.Site.Domain, deployer.Hosts, Session.CurlCaFile(context)));
    }
}
