using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("RestartGunicorn")]
[UnderDeployLock]
[TaskDescription("Release: starts the new release in the standby gunicorn instance (socket-activated, the port nginx does not use) and checks it answers with its id; if not, rolls it back while the old one keeps serving")]
[IsDependentOn(typeof(CollectStaticTask))]
[IsDependentOn(typeof(RollTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the Roll task cut over every web host, batch by batch, behind the load balancer")]
public sealed class RestartGunicornTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => !LoadBalancerSession.Present(context.Settings);

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.StartStandbyAsync();
}
