using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks;

[TaskName("ShowSettings")]
[TaskDescription("Prints the chosen environment's settings after every override; secrets show only where they are kept")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ShowSettingsTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context)
    {
        foreach (var line in SettingsPrinter.Lines(context.Settings))
        {
            context.Log.Information(line);
        }
    }
}
