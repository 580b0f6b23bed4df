using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Releases")]
[TaskDescription("Lists the releases on every web host, newest first, the serving one marked with * (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ReleasesTask(ReleaseRunSession session, RunOutput output) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        output.Publish("Releases", new ReleasesResult(await deployer.ListAsync()));
}
