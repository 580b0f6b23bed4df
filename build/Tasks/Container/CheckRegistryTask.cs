using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("CheckRegistry")]
[TaskDescription("Makes sure Container.Registry answers (on a loopback address the suite starts Debian's docker-registry itself), so that PushImage fails before anything is built when it cannot push")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy ships no image: Site.Runtime is host, or the hosts already serve the release")]
public sealed class CheckRegistryTask(ImageRunSession session, ReleaseRunSession releases) : FrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => ImageRunSession.Wanted(context, releases.UpToDate);

    public override void Run(DeployContext context) => session.Registry(context).RequireAnswering();
}
