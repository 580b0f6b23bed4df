using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks;

[TaskName("Default")]
[TaskDescription("What runs without --target: shows the settings and changes nothing")]
[IsDependentOn(typeof(ShowSettingsTask))]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class DefaultTask : FrostingTask<DeployContext>
{
}
