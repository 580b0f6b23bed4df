using Cake.Core.Diagnostics;
using Cake.Docker;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Container;

/// <summary>
/// The run's image builder, shared by BuildImage and PushImage: the engine and the local registry
/// it started (stopped again when the run ends; ones a live run started stay), the docker client's
/// environment for the run (restored after), and the image it built.
/// </summary>
public sealed class ImageRunSession(ICakeLog log) : IDisposable
{
    private readonly Dictionary<string, string?> _environmentBefore = [];
    private ContainerLayout? _layout;
    private LocalEngine? _engine;
    private LocalRegistry? _registry;

    /// <summary>The image targets, which build and push whatever Site.Runtime says.</summary>
    private static readonly string[] ImageTargets = ["BuildImage", "CheckRegistry", "PushImage"];

    /// <summary>
    /// Whether the image tasks run: for their own targets, and in a deploy of Site.Runtime container
    /// that has something to deploy (a deploy of the host runtime ships files; an up-to-date one nothing).
    /// </summary>
    public static bool Wanted(DeployContext context, bool upToDate) =>
        ImageTargets.Contains(context.Options.Target, StringComparer.OrdinalIgnoreCase)
        || (context.Settings.Site.Runtime == SiteRuntime.Container && !upToDate);

    /// <summary>What BuildImage built in this run; null before.</summary>
    public SiteImage? Built { get; set; }

    public LocalRunner Runner { get; } = new(line => log.Verbose(line));

    /// <summary>The checkout's folder of root's, checked (and made) on first use.</summary>
    public ContainerLayout Layout(DeployContext context)
    {
        if (_layout is null)
        {
            var layout = ContainerLayout.ForCheckout(context.RepositoryRoot);
            RootOnlyFolder.Ensure(layout.Directory, Runner);
            _layout = layout;
        }

        return _layout;
    }

    /// <summary>
    /// Starts the engine on first use and points the docker client at it through this process's
    /// environment, which every docker alias runs with (Cake.Docker's DockerTag takes no settings).
    /// </summary>
    public void StartEngine(DeployContext context)
    {
        if (_engine is not null)
        {
            return;
        }

        _engine = new LocalEngine(Layout(context), context.Settings.Container, Runner);
        _engine.Start();
        foreach (var (name, value) in _engine.ClientEnvironment)
        {
            _environmentBefore.TryAdd(name, Environment.GetEnvironmentVariable(name));
            Environment.SetEnvironmentVariable(name, value);
        }

        if (context.Settings.Container.Engine == ContainerEngine.Docker)
        {
            RequireDockerEngine(context);
        }
    }

    /// <summary>The registry, started on first use when it is the suite's own.</summary>
    public LocalRegistry Registry(DeployContext context)
    {
        if (_registry is null)
        {
            _registry = new LocalRegistry(Layout(context), context.Settings.Container, Runner, ContainerSettingsRules.SandboxBridge(context.Settings));
            _registry.Start();
        }

        return _registry;
    }

    public void Dispose()
    {
        _registry?.StopIfStarted();
        _engine?.StopIfStarted();
        foreach (var (name, value) in _environmentBefore)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static void RequireDockerEngine(DeployContext context)
    {
        try
        {
            context.DockerImageLs(new DockerImageLsSettings { Quiet = true });
        }
        catch (DockerException failure)
        {
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } set ? set : "docker's default socket";
            throw new ContainerException($"Container.Engine is docker but no Docker engine answers at {host} ({failure.Message}); start dockerd or point DOCKER_HOST at one, or set Container.Engine=podman.");
        }
    }
}
