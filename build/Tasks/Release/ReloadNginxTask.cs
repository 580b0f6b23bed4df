using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("ReloadNginx")]
[UnderDeployLock]
[TaskDescription("Release, in one round trip: the current symlink moved to the new release atomically (new link, then mv -T), the site's nginx config pointed at the new gunicorn instance, nginx -t, graceful reload; a refused config is put back, current goes back, and nginx keeps serving")]
[IsDependentOn(typeof(RestartGunicornTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the Roll task cut over every web host, batch by batch, behind the load balancer")]
public sealed class ReloadNginxTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => !LoadBalancerSession.Present(context.Settings);

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.ReloadNginxAsync();
}
