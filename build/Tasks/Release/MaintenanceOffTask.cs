using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("MaintenanceOff")]
[TaskDescription("Ends the maintenance page: the site serves again")]
public sealed class MaintenanceOffTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.MaintenanceAsync(on: false);
}
