using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("CheckRegistry")]
[TaskDescription("Makes sure the registry answers (Container.Registry, where on a loopback address the suite starts Debian's docker-registry itself; on AWS the environment's ECR repository and a login for it), so that PushImage fails before anything is built when it cannot push")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy ships no image: Site.Runtime is host, or the hosts already serve the release")]
public sealed class CheckRegistryTask(RunRegistry registry, ReleaseRunSession releases) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => ImageRunSession.Wanted(context, releases.UpToDate);

    public override Task RunAsync(DeployContext context) => registry.ResolveAsync(context);
}
