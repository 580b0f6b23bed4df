using System.Net.Sockets;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The engine the docker client builds with on this machine. Podman: the suite starts
/// `podman system service` on the checkout's socket with the checkout's own configuration and
/// storage, and stops it again when the run ends. Docker: an engine that already runs, where
/// DOCKER_HOST points (the run checks that it answers, through the docker client).
/// </summary>
public sealed class LocalEngine(ContainerLayout layout, ContainerSettings settings, LocalRunner runner)
{
    private readonly LocalService _service = new(
        $"podman's service on {layout.Socket}", ContainerCommands.EngineService(layout), layout.EnginePidFile, layout.Socket, layout.EngineLog,
        () => Answers(layout.Socket), runner);

    /// <summary>What the docker client is run with: the engine's socket, the legacy builder (podman serves no BuildKit), and its configuration folder (registry logins) in the run's root-only state.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => settings.Engine == ContainerEngine.Podman
        ? new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + layout.Socket, ["DOCKER_BUILDKIT"] = "0", ["DOCKER_CONFIG"] = layout.ClientConfiguration }
        : new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0", ["DOCKER_CONFIG"] = layout.ClientConfiguration };

    /// <summary>Makes podman's service answer, unless it runs already for a live run.</summary>
    public void Start()
    {
        RootOnlyFolder.Ensure(layout.Directory, runner);
        if (settings.Engine == ContainerEngine.Docker)
        {
            return;
        }

        if (Prerequisites.Find("podman") is null)
        {
            throw new ContainerException("podman is not installed: install Debian's podman and runc (apt-get install podman runc), or set Container.Engine=docker to build with a Docker engine that runs.");
        }

        if (layout.Socket.Length > ContainerLayout.SocketPathLimit)
        {
            throw new ContainerException($"The engine's socket path {layout.Socket} is longer than a unix socket may be ({ContainerLayout.SocketPathLimit} bytes): clone the checkout into a shorter path.");
        }

        WriteConfiguration();
        if (_service.Adopt())
        {
            return;
        }

        File.Delete(layout.Socket);
        _service.Start();
    }

    /// <summary>Stops the podman service this run started; one a live run started stays.</summary>
    public void StopIfStarted() => _service.StopIfStarted();

    private void WriteConfiguration()
    {
        foreach (var folder in new[] { layout.Storage, layout.RunRoot, layout.TemporaryDirectory })
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(layout.EngineConfigurationFile, ContainerTemplates.EngineConfiguration(layout));
        File.WriteAllText(layout.StorageConfigurationFile, ContainerTemplates.StorageConfiguration(layout));
        File.WriteAllText(layout.RegistriesConfigurationFile, ContainerTemplates.RegistriesConfiguration(settings));
    }

    private static bool Answers(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
