using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Container;

/// <summary>
/// A program the image builder runs in the background (podman's service, the registry): started
/// detached with its PID recorded, waited for until it answers, and stopped by that PID only when
/// this run started it.
/// </summary>
/// <param name="marker">What the program's command line holds (a PID can be reused by another program).</param>
public sealed class LocalService(string name, LocalCommand command, string pidFile, string marker, string logFile, Func<bool> answers, LocalRunner runner)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private bool _started;

    public bool IsRunning => MachineState.LivePid(pidFile, marker) is not null;

    public void Start()
    {
        runner.Run(SandboxCommands.Detached(logFile, command));
        _started = true;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (answers())
            {
                return;
            }

            Thread.Sleep(100);
        }

        var said = File.Exists(logFile) ? string.Join(" | ", File.ReadLines(logFile).TakeLast(3)) : "";
        throw new ContainerException($"{name} did not answer; it said: {said} (see {logFile}).");
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
            runner.Run(SandboxCommands.Signal("TERM", pid));
            MachineState.WaitForExit([pid], TimeSpan.FromSeconds(10));
        }
    }
}
