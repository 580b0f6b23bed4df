using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Releases")]
[TaskDescription("Lists the releases on every web host, newest first, the serving one marked with *")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ReleasesTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        foreach (var (host, listing) in await deployer.ListAsync())
        {
            context.Log.Information("{0}: {1}", host, listing.Releases.Count == 0 ? "no release" : $"{listing.Releases.Count} release(s)");
            foreach (var line in listing.Describe())
            {
                context.Log.Information("  {0}", line);
            }
        }
    }
}
