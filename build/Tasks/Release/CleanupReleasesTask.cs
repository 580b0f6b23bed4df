using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("CleanupReleases")]
[UnderDeployLock]
[TaskDescription("Release: deletes releases beyond the newest Site.KeepReleases; the serving one and the one before it are never deleted")]
[IsDependentOn(typeof(CertificateTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CleanupReleasesTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.CleanupAsync();
}
