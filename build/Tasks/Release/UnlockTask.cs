using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Unlock")]
[TaskDescription("Removes a stale deploy lock on every web host, saying whose it was (only when no deploy runs)")]
public sealed class UnlockTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.ForceUnlockAsync();
}
