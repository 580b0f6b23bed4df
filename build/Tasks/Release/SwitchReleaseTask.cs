using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("SwitchRelease")]
[TaskDescription("Release: moves the current symlink to the new release atomically (new link, then mv -T)")]
[IsDependentOn(typeof(RestartGunicornTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class SwitchReleaseTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.SwitchAsync();
}
