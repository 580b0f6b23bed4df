using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Container;

/// <summary>
/// A program the image builder runs in the background (podman's service, the registry): started
/// detached with its PID recorded and the run that owns it beside, waited for until it answers, and
/// stopped by that PID when this run started it. One left by a run that died (SIGKILL, a second
/// Ctrl-C) is stopped, never adopted.
/// </summary>
/// <param name="marker">What the program's command line holds (a PID can be reused by another program).</param>
public sealed class LocalService(string name, LocalCommand command, string pidFile, string marker, string logFile, Func<bool> answers, LocalRunner runner)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private bool _started;

    public string OwnerFile => pidFile + ".owner";

    /// <summary>
    /// Whether a running copy can be used: one whose run is alive and that answers as this run needs.
    /// Any other copy (its run died, or it serves elsewhere) is stopped here.
    /// </summary>
    public bool Adopt()
    {
        if (MachineState.LivePid(pidFile, marker) is not { } pid)
        {
            return false;
        }

        if (RunOwner.Read(OwnerFile) is { IsAlive: true } && answers())
        {
            return true;
        }

        Stop(pid);
        return false;
    }

    public void Start()
    {
        File.Delete(pidFile);
        RunOwner.Current.Write(OwnerFile);
        runner.Run(SandboxCommands.Detached(logFile, command));
        _started = true;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (answers())
            {
                return;
            }

            if (Exited())
            {
                throw new ContainerException($"{name} exited at once; it said: {LastWords()} (see {logFile}).");
            }

            // A local connect: cheap enough to ask every 20 ms, so a quick start is not waited on longer.
            Thread.Sleep(20);
        }

        throw new ContainerException($"{name} did not answer within {StartTimeout.TotalSeconds:0} s; it said: {LastWords()} (see {logFile}).");
    }

    /// <summary>Stops the program if this run started it; one that was running before stays.</summary>
    public void StopIfStarted()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        if (MachineState.LivePid(pidFile, marker) is { } pid)
        {
            Stop(pid);
        }
    }

    /// <summary>The PID was written (the wrapper writes it before it execs) and that process is gone.</summary>
    private bool Exited() =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && !MachineState.IsAlive(pid);

    private void Stop(int pid)
    {
        runner.Run(SandboxCommands.Signal("TERM", pid));
        MachineState.WaitForExit([pid], TimeSpan.FromSeconds(10));
        if (MachineState.IsAlive(pid))
        {
            runner.TryRun(SandboxCommands.Signal("KILL", pid));
            MachineState.WaitForExit([pid], TimeSpan.FromSeconds(5));
        }

        File.Delete(OwnerFile);
    }

    private string LastWords() => File.Exists(logFile) ? string.Join(" | ", File.ReadLines(logFile).TakeLast(3)) : "";
}
