using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Context;

/// <summary>
/// Tells the run's recorder which task runs, and after each task prints its one line when it changed
/// something on a host: the default output of a run (Cake's banners and summary are verbose's).
/// </summary>
public sealed class DeployTaskLifetime(RunRecorder recorder) : FrostingTaskLifetime<DeployContext>
{
    public override void Setup(DeployContext context, ITaskSetupContext info) => recorder.CurrentTask = info.Task.Name;

    public override void Teardown(DeployContext context, ITaskTeardownContext info)
    {
        if (recorder.TaskLine(info.Task.Name) is { } line)
        {
            context.Log.Information(line);
        }

        recorder.CurrentTask = null;
    }
}
