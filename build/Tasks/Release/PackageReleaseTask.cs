using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("PackageRelease")]
[TaskDescription("Release: a snapshot of Site.Source (without .git, __pycache__, *.pyc, local settings and what .deployignore names), its manifest (sha256 per file) and release id")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class PackageReleaseTask(ReleaseRunSession session, RunAudit audit) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        audit.Release = deployer.Package(DateTimeOffset.UtcNow);
        audit.Commit = deployer.Revision?.Commit;
        return Task.CompletedTask;
    }
}
