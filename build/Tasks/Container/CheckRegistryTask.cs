using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("CheckRegistry")]
[TaskDescription("Makes sure Container.Registry answers (on a loopback address the suite starts Debian's docker-registry itself), so that PushImage fails before anything is built when it cannot push")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CheckRegistryTask(ImageRunSession session) : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => session.Registry(context).RequireAnswering();
}
