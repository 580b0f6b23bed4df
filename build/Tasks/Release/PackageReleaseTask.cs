using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("PackageRelease")]
[TaskDescription("Release: a snapshot of Site.Source (without .git, __pycache__, *.pyc, local settings and what .deployignore names), its manifest (sha256 per file) and release id")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class PackageReleaseTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        deployer.Package(DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }
}
