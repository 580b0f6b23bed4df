using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Container;
using CoralNet.Deploy.Tasks.Host;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("PullImage")]
[UnderDeployLock]
[TaskDescription("Release, Site.Runtime container: on every web host the release's directory (its id, manifest, image name; no code) and the site's image pulled from the registry (on AWS the ECR repository, through the credential helper), only the layers the host lacks crossing")]
[IsDependentOn(typeof(DeployLockTask))]
[IsDependentOn(typeof(ConfigureHostTask))]
[IsDependentOn(typeof(PushImageTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("Site.Runtime is host: the release's files are uploaded instead (UploadCode)")]
public sealed class PullImageTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Site.Runtime == SiteRuntime.Container;

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.PullImageAsync(context.Settings.Database.Name);
}
