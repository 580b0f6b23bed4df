using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Tasks;

[TaskName("Default")]
[TaskDescription("What runs without --target: shows the settings, as ShowSettings does, and changes nothing")]
[IsDependentOn(typeof(ShowSettingsTask))]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class DefaultTask(RunOutput output) : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) => output.Publish("Default", new SettingsResult(context.Settings));
}
