using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("HealthCheck")]
[UnderDeployLock]
[TaskDescription("Release: asks nginx with the site's Host header until the new release id answers 200 (Timeouts.HealthCheckSeconds), on failure rolls back automatically; the old gunicorn stops when the run finishes")]
[IsDependentOn(typeof(ReloadNginxTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the Roll task cut over every web host, batch by batch, behind the load balancer")]
public sealed class HealthCheckTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => !LoadBalancerSession.Present(context.Settings);

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.HealthCheckAsync();
}
