using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tasks.Host;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName(Name)]
[TaskDescription("Release: takes the deploy lock on every web host (host, process, start, release; refreshed while the run lives) and reads the hosts under it; another deploy is refused at once, or waited for with --lock-wait=SECONDS; a deploy with nothing to do stops here")]
[TaskArgument(LockWaitOption, typeof(int), "how long to wait for another deploy's lock, in seconds; 0 refuses at once", Placeholder = "SECONDS", Default = "0")]
[TaskArgument(TakeOverOption, typeof(bool), "take over a deploy lock whose run is dead (its process gone from this machine, or its lock not refreshed for 45 s); the output names it")]
[TaskArgument(ForceOption, typeof(bool), "deploy even when the serving release, settings, units and nginx site are all what this run would install (else such a run says \"up to date\" and changes nothing)")]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(PackageReleaseTask))]
[IsDependentOn(typeof(PreDeployHookTask))]
[IsDependentOn(typeof(Container.CheckRegistryTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class DeployLockTask(ReleaseRunSession session, RunAudit audit, HostRunSession hosts) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        // Every target taking the lock here configures the hosts next, but DeployLock itself: their probe rides along.
        var probe = context.Options.Target.Equals(Name, StringComparison.OrdinalIgnoreCase) ? null : HostRunSession.ProbeUnderLock(context);
        hosts.InspectedUnderLock(await deployer.LockAsync(DeployLockHolder.ThisRun(deployer.Id!), LockWait(context), TakeOver(context), inspect: probe));
        // The serving release when it holds the very files packaged: that one is deployed again, no new one made.
        audit.Release = deployer.Id;
        await deployer.CheckUpToDateAsync(await SiteEnvironmentOfTheRun.ForAsync(context), context.Options.Get<bool>(ForceOption));
    }

    public const string Name = "DeployLock";

    public const string LockWaitOption = "lock-wait";

    public const string TakeOverOption = "take-over-lock";

    public const string ForceOption = "force";

    /// <summary>--lock-wait=SECONDS: how long to wait for another deploy's lock (default 0: refuse at once).</summary>
    public static int LockWait(DeployContext context) => context.Options.Get<int>(LockWaitOption);

    /// <summary>--take-over-lock: a dead run's lock is taken over instead of refusing.</summary>
    public static bool TakeOver(DeployContext context) => context.Options.Get<bool>(TakeOverOption);
}
