using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("CheckRegistry")]
[TaskDescription("Makes sure the registry answers (Container.Registry, where on a loopback address the suite starts Debian's docker-registry itself; on AWS the environment's ECR repository and a login for it), so that PushImage fails before anything is built when it cannot push")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CheckRegistryTask(RunRegistry registry) : AsyncFrostingTask<DeployContext>
{
    public override Task RunAsync(DeployContext context) => registry.ResolveAsync(context);
}
