using System.Globalization;
using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("DeployLock")]
[TaskDescription("Release: takes the deploy lock on every web host (who, when, which release); another deploy is refused at once, or waited for with --lock-wait=SECONDS")]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(PackageReleaseTask))]
public sealed class DeployLockTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        deployer.LockAsync(Holder(deployer.Id!), LockWait(context));

    public static DeployLockHolder Holder(string releaseId) =>
        new($"{Environment.UserName}@{Environment.MachineName}:{Environment.ProcessId}", DateTimeOffset.UtcNow, releaseId);

    /// <summary>--lock-wait=SECONDS: how long to wait for another deploy's lock (default 0: refuse at once).</summary>
    public static int LockWait(DeployContext context)
    {
        if (!context.Arguments.HasArgument("lock-wait"))
        {
            return 0;
        }

        var text = context.Arguments.GetArgument("lock-wait");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new CakeException($"--lock-wait takes a whole number of seconds (0 or more), not '{text}'.");
    }
}
