using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("SwitchRelease")]
[UnderDeployLock]
[TaskDescription("Release: moves the current symlink to the new release atomically (new link, then mv -T)")]
[IsDependentOn(typeof(RestartGunicornTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the Roll task cut over every web host, batch by batch, behind the load balancer")]
public sealed class SwitchReleaseTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => !LoadBalancerSession.Present(context.Settings);

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.SwitchAsync();
}
