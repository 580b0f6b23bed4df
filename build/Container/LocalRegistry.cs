using System.Net;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The image registry on this machine (Debian's docker-registry, registry 2.8), run when
/// Container.Registry is a loopback address; its data stays in the checkout, so a restarted
/// registry serves what was pushed before. Stopped when the run that started it ends.
/// </summary>
public sealed class LocalRegistry(ContainerLayout layout, ContainerSettings settings, LocalRunner runner)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private bool _started;

    /// <summary>Whether the suite runs the registry itself: only on a loopback address (anything else is someone's registry).</summary>
    public bool IsLocal => IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address);

    private string Host => settings.Registry[..settings.Registry.LastIndexOf(':')];

    private int Port => ContainerSettingsRules.RegistryPort(settings.Registry)!.Value;

    public void Start()
    {
        if (!IsLocal || MachineState.LivePid(layout.RegistryPidFile, layout.RegistryConfigurationFile) is not null)
        {
            return;
        }

        if (Prerequisites.Find("docker-registry") is null)
        {
            throw new ContainerException("docker-registry is not installed: install Debian's docker-registry (apt-get install docker-registry), or point Container.Registry at a registry that runs.");
        }

        var address = IPAddress.Parse(Host);
        if (MachineState.Listening(address, Port))
        {
            throw new ContainerException($"Port {Port} on {Host}, where Container.Registry says the registry listens, is taken by another program; stop it or choose another port (--container_registry={Host}:PORT).");
        }

        Directory.CreateDirectory(layout.RegistryData);
        File.WriteAllText(layout.RegistryConfigurationFile, ContainerTemplates.RegistryConfiguration(layout, settings));
        runner.Run(SandboxCommands.Detached(layout.RegistryLog, ContainerCommands.Registry(layout)));
        _started = true;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (MachineState.Listening(address, Port))
            {
                return;
            }

            Thread.Sleep(100);
        }

        var said = File.Exists(layout.RegistryLog) ? string.Join(" | ", File.ReadLines(layout.RegistryLog).TakeLast(3)) : "";
        throw new ContainerException($"The registry did not start on {settings.Registry}; it said: {said} (see {layout.RegistryLog}).");
    }

    /// <summary>Stops the registry this run started; one that was running before stays.</summary>
    public void StopIfStarted()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        if (MachineState.LivePid(layout.RegistryPidFile, layout.RegistryConfigurationFile) is { } pid)
        {
            runner.Run(SandboxCommands.Signal("TERM", pid));
            MachineState.WaitForExit([pid], TimeSpan.FromSeconds(10));
        }
    }
}
