using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("InstallRequirements")]
[UnderDeployLock]
[TaskDescription("Release: the venv (--system-site-packages) keyed by the hash of requirements.txt and the Python version, under shared/, reused while they are unchanged")]
[IsDependentOn(typeof(UploadCodeTask))]
[IsDependentOn(typeof(PullImageTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("Site.Runtime is container: the image holds the site's Python packages")]
public sealed class InstallRequirementsTask(ReleaseRunSession session) : ReleaseTask(session)
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Site.Runtime == SiteRuntime.Host;

    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.InstallRequirementsAsync(context.Settings.Database.Name);
}
