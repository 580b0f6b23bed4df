using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Rollback")]
[TaskDescription("Serves the release before the serving one again (or --release=ID), with the same zero-downtime cutover and health check as a deploy, under the deploy lock; behind a load balancer it rolls batch by batch as a deploy does")]
[TaskArgument(ReleaseOption, typeof(string), "the release to serve again, by id or by a prefix of the git commit it records (default: the one before the serving one); Releases lists them", Placeholder = "ID")]
[UsesTaskArgument(DeployLockTask.LockWaitOption)]
[UsesTaskArgument(DeployLockTask.TakeOverOption)]
[UsesTaskArgument(RollTask.BatchSizeOption)]
public sealed class RollbackTask(ReleaseRunSession session, RunOutput output, RunConnections connections, RunAudit audit, LoadBalancerSession balancer) : ReleaseTask(session)
{
    public const string ReleaseOption = "release";

    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        var commits = await ReleaseCommits.ReadAsync(connections.Executor, deployer.Hosts, new OperatorCommands(context.Settings.Site));
        var requested = context.Options.Get<string?>(ReleaseOption) is { } named ? commits.Resolve(named) : null;
        var target = await deployer.ChooseRollbackAsync(requested);
        (audit.Release, audit.Commit) = (target, commits.CommitOf(target));
        await deployer.LockAsync(DeployLockHolder.ThisRun(target), DeployLockTask.LockWait(context), DeployLockTask.TakeOver(context));
        if (LoadBalancerSession.Present(context.Settings))
        {
            await deployer.RollAsync(await balancer.RuntimeAsync(context), RollTask.Options(context));
        }
        else
        {
            await deployer.StartStandbyAsync(target);
            await deployer.ReloadNginxAsync(target);
            await deployer.HealthCheckAsync(target);
        }

        await deployer.FinishAsync();
        output.Publish("Rollback", new DeployResult(target, deployer.SiteUrl, context.Settings.Site.Domain, Session.Entries(context, deployer), Session.CurlCaFile(context)));
    }
}
