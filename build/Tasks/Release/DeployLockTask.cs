using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("DeployLock")]
[TaskDescription("Release: takes the deploy lock on every web host (who, when, which release); another deploy is refused at once, or waited for with --lock-wait=SECONDS")]
[TaskArgument(LockWaitOption, typeof(int), "how long to wait for another deploy's lock, in seconds; 0 refuses at once", Placeholder = "SECONDS", Default = "0")]
[TaskArgument(TakeOverOption, typeof(bool), "take over a deploy lock whose run is dead (its process gone from this machine, or its lock not refreshed for 45 s); the output names it")]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(PackageReleaseTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class DeployLockTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        deployer.LockAsync(DeployLockHolder.ThisRun(deployer.Id!), LockWait(context), TakeOver(context));

    public const string LockWaitOption = "lock-wait";

    public const string TakeOverOption = "take-over-lock";

    /// <summary>--lock-wait=SECONDS: how long to wait for another deploy's lock (default 0: refuse at once).</summary>
    public static int LockWait(DeployContext context) => context.Options.Get<int>(LockWaitOption);

    /// <summary>--take-over-lock: a dead run's lock is taken over instead of refusing.</summary>
    public static bool TakeOver(DeployContext context) => context.Options.Get<bool>(TakeOverOption);
}
