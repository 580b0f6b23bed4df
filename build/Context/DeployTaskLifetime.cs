using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Context;

/// <summary>
/// Tells the run's recorder which task runs, and after each task prints its one line when it changed
/// something on a host: the default output of a run (Cake's banners and summary are verbose's).
/// Each task's duration and outcome go to the recorder too, for --report, host or no host.
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

        recorder.Record(new StepRecord(info.Task.Name, info.Duration, info.Skipped ? "skipped" : info.Successful ? "succeeded" : "failed"));
        recorder.CurrentTask = null;
    }
}
