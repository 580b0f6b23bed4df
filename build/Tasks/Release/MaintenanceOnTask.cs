using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("MaintenanceOn")]
[TaskDescription("nginx answers every page with 503 and the maintenance page until MaintenanceOff")]
public sealed class MaintenanceOnTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.MaintenanceAsync(on: true);
}
