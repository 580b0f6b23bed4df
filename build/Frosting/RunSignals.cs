// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
// Not in Cake.Frosting: a run stopped by SIGINT or SIGTERM ends its tasks' work cleanly.
using System.Runtime.InteropServices;
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (a CI cancel) for the run: the first asks the run to stop at its next
/// safe point (no task starts after it, and tasks that watch <see cref="Stopping"/> end their work
/// cleanly), and the run exits 130 or 143; a second one ends the process at once with that code.
/// </summary>
public sealed class RunSignals(ICakeLog log) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private string? _signal;
    private bool _normalEnd;

    /// <summary>Cancelled once a signal asks the run to stop.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The signal that stopped the run (SIGINT or SIGTERM), or null.</summary>
    public string? Signal => _signal;

    /// <summary>The exit code of a run a signal stopped (128 + the signal's number), or null (also when the signal is the run's normal end).</summary>
    public int? ExitCode => _normalEnd ? null : _signal switch
    {
        "SIGINT" => 130,
        "SIGTERM" => 143,
        _ => null,
    };

    /// <summary>A signal is how this run ends when all is well (Logs --follow runs until Ctrl-C): it then exits as its tasks say.</summary>
    public void EndsOnSignal() => _normalEnd = true;

    /// <summary>Starts handling the signals (not in tests that build the host without running it).</summary>
    public void Listen()
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Received(context, "SIGINT")));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Received(context, "SIGTERM")));
    }

    /// <summary>What a signal does; public for tests, which cannot send one to their own runner.</summary>
    public void Receive(string signal)
    {
        if (Interlocked.CompareExchange(ref _signal, signal, null) is { } first)
        {
            log.Error("Error: {0} again: aborted at once. A deploy lock this run held stays, naming this process ({1}); the next run takes it over with --take-over-lock.", signal, Environment.ProcessId);
            Environment.Exit(ExitCode!.Value);
            return;
        }

        log.Warning("{0}: stopping at the next safe point (an unfinished cutover is undone, the deploy lock released); {0} again aborts at once.", signal);
        _stop.Cancel();
    }

    private void Received(PosixSignalContext context, string signal)
    {
        // The runtime's default (ending the process) is replaced by the stop above.
        context.Cancel = true;
        Receive(signal);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
