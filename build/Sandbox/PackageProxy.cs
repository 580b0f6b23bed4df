using System.Net;

namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// The package proxy (apt-cacher-ng) the hosts' apt goes through, run as the package's own user. All
/// it opens lives in the runtime folder under /run, never in the checkout, which may be closed to
/// other users (a 0700 home); its output goes to a log in the checkout, opened by root before it starts.
/// </summary>
public sealed class PackageProxy(LocalRunner runner, SandboxLayout layout)
{
    private const string Marker = "apt-cacher-ng";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode Traversable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static string Url => $"http://127.0.0.1:{SandboxLayout.ProxyPort}";

    public bool IsRunning => MachineState.LivePid(layout.ProxyPidFile, Marker) is not null;

    /// <summary>Starts the proxy unless it runs; entered in the undo log before it starts, so that a failed start is cleaned too.</summary>
    public void Ensure(IReadOnlyList<AptSource> sources, IPAddress bridge, UndoLog undo)
    {
        if (IsRunning)
        {
            return;
        }

        var configuration = ProxyConfiguration.Render(sources, bridge, layout);
        if (MachineState.Listening(IPAddress.Loopback, SandboxLayout.ProxyPort))
        {
            throw new SandboxException($"Port {SandboxLayout.ProxyPort} on 127.0.0.1, where the sandbox's package proxy listens, is taken by another program "
                + $"(the apt-cacher-ng package's own service? 'ss -ltnp sport = :{SandboxLayout.ProxyPort}' names it); stop it, then run again.");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The sandbox runs only on Linux.");
        }

        undo.Add("the package proxy", Stop);
        Directory.CreateDirectory(layout.ProxyRuntime);
        // Modes set explicitly, whatever root's umask: the proxy's user reads its configuration and writes only its run folder.
        File.SetUnixFileMode(layout.ProxyDirectory, Traversable);
        File.WriteAllText(layout.ProxyConfigurationFile, configuration);
        File.SetUnixFileMode(layout.ProxyConfigurationFile, Readable);
        File.Delete(layout.ProxyPidFile);
        runner.Run(new LocalCommand("chown", ProxyConfiguration.User + ":", layout.ProxyRuntime));
        File.SetUnixFileMode(layout.ProxyRuntime, Traversable);
        runner.Run(SandboxCommands.Detached(layout.ProxyLog, SandboxCommands.Proxy(layout.ProxyDirectory)));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (IsRunning && MachineState.Listening(IPAddress.Loopback, SandboxLayout.ProxyPort))
            {
                return;
            }

            Thread.Sleep(100);
        }

        var said = File.Exists(layout.ProxyLog) ? string.Join(" | ", File.ReadLines(layout.ProxyLog).TakeLast(3)) : "";
        throw new SandboxException($"The package proxy (apt-cacher-ng) did not start on port {SandboxLayout.ProxyPort}; it said: {said} (see {layout.ProxyLog} and /var/log/apt-cacher-ng).");
    }

    /// <summary>Stops the proxy by its recorded PID and removes its folder.</summary>
    public void Stop()
    {
        var pid = MachineState.LivePid(layout.ProxyPidFile, Marker);
        if (pid is not null)
        {
            runner.Run(SandboxCommands.Signal("TERM", pid.Value));
            MachineState.WaitForExit([pid], TimeSpan.FromSeconds(10));
        }

        if (Directory.Exists(layout.ProxyDirectory))
        {
            Directory.Delete(layout.ProxyDirectory, recursive: true);
        }
    }
}
