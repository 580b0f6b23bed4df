using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tasks.Database;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Migrate")]
[UnderDeployLock]
[TaskDescription("Release: manage.py migrate --noinput, once, before the cutover (Site.RunMigrations=false skips it, for migrations run by hand)")]
[IsDependentOn(typeof(SettingsTask))]
[IsDependentOn(typeof(SetupDatabaseTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("Site.RunMigrations is false: migrations are left to be run by hand")]
public sealed class MigrateTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context)
    {
        if (!context.Settings.Site.RunMigrations)
        {
            context.Log.Information("Site.RunMigrations is false: migrations are left to be run by hand.");
        }

        return context.Settings.Site.RunMigrations;
    }

    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        await deployer.MigrateAsync(await SiteEnvironmentOfTheRun.ForAsync(context), Session.AppliedMigrations);
}
