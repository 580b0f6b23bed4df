using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace CoralNet.Deploy.Tests.Frosting;

// A small graph of its own to test the host with: each task records that it ran.
//   Package -> Compile -> Restore, with Lint a dependee of Compile (runs before it),
//   Optional skipped by ShouldRun, failing tasks with and without handlers. Under --check, Restore
//   changes nothing, Lint reports, Compile says what it would do; the others cannot be checked.

public sealed class Recorder
{
    public List<string> Events { get; } = [];
}

public sealed class RecordingContext(ICakeContext context, Recorder recorder) : FrostingContext(context)
{
    public Recorder Recorder { get; } = recorder;
}

public sealed class RecordingLifetime : FrostingLifetime<RecordingContext>
{
    public override void Setup(RecordingContext context, ISetupContext info) => context.Recorder.Events.Add("setup");

    public override void Teardown(RecordingContext context, ITeardownContext info) =>
        context.Recorder.Events.Add(info.Successful ? "teardown" : "teardown after failure");
}

[TaskName("Restore")]
[TaskDescription("Restores")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class RestoreTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => context.Recorder.Events.Add("Restore");
}

[TaskName("Lint")]
[TaskDescription("Lints before compiling")]
[IsDependeeOf(typeof(CompileTask))]
[CheckMode(CheckBehaviour.Reports)]
public sealed class LintTask(HostOptions options) : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => context.Recorder.Events.Add(options.Check ? "Lint:check" : "Lint");
}

[TaskName("Compile")]
[TaskDescription("Compiles")]
[IsDependentOn(typeof(RestoreTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CompileTask : AsyncFrostingTask<RecordingContext>
{
    public override async Task RunAsync(RecordingContext context)
    {
        await Task.Yield();
        context.Recorder.Events.Add("Compile");
    }
}

[TaskName("Optional")]
[TaskDescription("Never runs")]
[SkipReason("Optional is never wanted here")]
public sealed class OptionalTask : FrostingTask<RecordingContext>
{
    public override bool ShouldRun(RecordingContext context) => false;

    public override void Run(RecordingContext context) => context.Recorder.Events.Add("Optional");
}

[TaskName("Package")]
[TaskDescription("Packages")]
[IsDependentOn(typeof(CompileTask))]
[IsDependentOn(typeof(OptionalTask))]
[TaskArgument("flavour", typeof(string), "what the package tastes of", Placeholder = "TASTE")]
public sealed class PackageTask(HostOptions options) : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => context.Recorder.Events.Add("Package:" + options.Get<string?>("flavour"));
}

[TaskName("Default")]
[TaskDescription("Everything")]
[IsDependentOn(typeof(PackageTask))]
public sealed class DefaultTask : FrostingTask<RecordingContext>
{
}

[TaskName("FailsHandled")]
[TaskDescription("Fails, with an error handler and a finally handler")]
[IsDependentOn(typeof(RestoreTask))]
public sealed class FailsHandledTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => throw new InvalidOperationException("handled failure");

    public override void OnError(Exception exception, RecordingContext context) => context.Recorder.Events.Add("OnError:" + exception.Message);

    public override void Finally(RecordingContext context) => context.Recorder.Events.Add("Finally");
}

[TaskName("FailsPlain")]
[TaskDescription("Fails without handlers")]
[UsesTaskArgument("flavour")]
public sealed class FailsPlainTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => throw new InvalidOperationException("plain failure");
}

[TaskName("AfterFailure")]
[TaskDescription("Depends on a failing task")]
[IsDependentOn(typeof(FailsPlainTask))]
public sealed class AfterFailureTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => context.Recorder.Events.Add("AfterFailure");
}

[TaskName("Chatty")]
[TaskDescription("Logs at every verbosity")]
public sealed class ChattyTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context)
    {
        context.Log.Information("info line");
        context.Log.Debug("diagnostic line");
    }
}

[TaskName("Signalled")]
[TaskDescription("Receives SIGTERM while it runs, and finishes its own work")]
public sealed class SignalledTask(RunSignals signals) : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context)
    {
        signals.Receive("SIGTERM");
        context.Recorder.Events.Add("Signalled");
    }

    public override void Finally(RecordingContext context) => context.Recorder.Events.Add("Signalled finally");
}

[TaskName("AfterSignal")]
[TaskDescription("Depends on a task a signal stops the run in")]
[IsDependentOn(typeof(SignalledTask))]
public sealed class AfterSignalTask : FrostingTask<RecordingContext>
{
    public override void Run(RecordingContext context) => context.Recorder.Events.Add("AfterSignal");
}
