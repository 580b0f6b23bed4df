using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Host;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("UploadCode")]
[UnderDeployLock]
[TaskDescription("Release: into Site.Root/NAME/releases/ID, only new and changed files cross the wire (one tar stream), the rest is hard-linked from the serving release; the manifest is verified on the host")]
[IsDependentOn(typeof(DeployLockTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[IsDependentOn(typeof(ConfigureHostTask))]
[SkipReason("Site.Runtime is container: the hosts pull the site's image instead (PullImage)")]
public sealed class UploadCodeTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Site.Runtime == SiteRuntime.Host;

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.UploadAsync();
}
