using System.Diagnostics;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>Runs the release deploy's commands over the run's executor: each outcome said (verbose) and recorded per host for the task's line and the recap.</summary>
/// <param name="detail">Each command and whether it changed something (verbose).</param>
/// <param name="cancellation">The run's cancellation (a signal): a command not yet sent is not sent once it is requested, while a command
/// already running on a host runs to its end (its own timeout bounds it there): the run stops between two commands, its safe points.</param>
public sealed class ReleaseRunner(IRemoteExecutor executor, Action<string> detail, RunRecorder? recorder, CancellationToken cancellation)
{
    public CancellationToken Cancellation => cancellation;

    /// <param name="note">What the recorded item adds to the command's summary (the upload's file counts).</param>
    /// <param name="cancellable">False for an undo: it runs to its end even after a signal.</param>
    public async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, string note = "", bool cancellable = true)
    {
        var clock = Stopwatch.StartNew();
        CommandResult result;
        try
        {
            if (cancellable)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            result = await executor.RunAsync(host, command);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Record(host, command, ItemStatus.Failed, clock.Elapsed, exception.Message);
            throw;
        }

        var changed = RemoteCommand.ReportsChange(result.Stdout);
        detail($"{host.Name}: {command.Summary}: {(changed ? RemoteCommand.Changed : RemoteCommand.Ok)}{(note.Length > 0 ? $" ({note})" : "")}");
        Record(host, command, changed ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, changed ? note : "");
        return result;
    }

    private void Record(SshTarget host, RemoteCommand command, ItemStatus status, TimeSpan duration, string note) =>
        recorder?.Record(new ItemRecord(recorder.CurrentTask ?? "release", host.Name, command.Summary, status, duration, note));
}
