using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Tasks;

[TaskName("ShowSettings")]
[TaskDescription("Prints the chosen environment's settings after every override; secrets show only where they are kept (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ShowSettingsTask(RunOutput output) : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => output.Publish("ShowSettings", new SettingsResult(context.Settings));
}
