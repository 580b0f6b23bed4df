using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("InstallRequirements")]
[TaskDescription("Release: the venv (--system-site-packages) keyed by the hash of requirements.txt and the Python version, under shared/, reused while they are unchanged")]
[IsDependentOn(typeof(UploadCodeTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class InstallRequirementsTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer) => deployer.InstallRequirementsAsync();
}
