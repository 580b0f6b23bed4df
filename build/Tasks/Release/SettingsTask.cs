using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Settings")]
[UnderDeployLock]
[TaskDescription("Release: the site's environment file in shared/ (0640, root and the site's group; nginx cannot read it): DATABASE_*, SECRET_KEY, ALLOWED_HOSTS from Site.Domain and Site.ExtraDomains, DEBUG off, the bucket name, secure cookies and CSRF origins over https; secrets never logged")]
[IsDependentOn(typeof(InstallRequirementsTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class SettingsTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer) =>
        await deployer.WriteSettingsAsync(await SiteEnvironmentOfTheRun.ForAsync(context));
}
