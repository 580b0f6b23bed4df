using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("CollectStatic")]
[UnderDeployLock]
[TaskDescription("Release: manage.py collectstatic into the release, before the cutover")]
[IsDependentOn(typeof(MigrateTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CollectStaticTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.CollectStaticAsync();
}
