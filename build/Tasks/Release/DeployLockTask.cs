using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("DeployLock")]
[TaskDescription("Release: takes the deploy lock on every web host (who, when, which release); another deploy is refused at once, or waited for with --lock-wait=SECONDS")]
[TaskArgument(LockWaitOption, typeof(int), "how long to wait for another deploy's lock, in seconds; 0 refuses at once", Placeholder = "SECONDS", Default = "0")]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(PackageReleaseTask))]
[IsDependentOn(typeof(PreDeployHookTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class DeployLockTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        deployer.LockAsync(Holder(deployer.Id!), LockWait(context));

    public const string LockWaitOption = "lock-wait";

    public static DeployLockHolder Holder(string releaseId) =>
        new($"{Environment.UserName}@{Environment.MachineName}:{Environment.ProcessId}", DateTimeOffset.UtcNow, releaseId);

    /// <summary>--lock-wait=SECONDS: how long to wait for another deploy's lock (default 0: refuse at once).</summary>
    public static int LockWait(DeployContext context) => context.Options.Get<int>(LockWaitOption);
}
