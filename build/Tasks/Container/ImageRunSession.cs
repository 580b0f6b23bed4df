using Cake.Core.Diagnostics;
using Cake.Core.Tooling;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tasks.Container;

/// <summary>
/// The run's image builder, shared by BuildImage and PushImage: the engine and the local registry
/// it started (stopped again when the run ends; ones running before stay) and the image it built.
/// </summary>
public sealed class ImageRunSession(ICakeLog log) : IDisposable
{
    private ContainerLayout? _layout;
    private LocalEngine? _engine;
    private LocalRegistry? _registry;

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

    /// <summary>The engine, started on first use.</summary>
    public LocalEngine Engine(DeployContext context)
    {
        if (_engine is null)
        {
            _engine = new LocalEngine(Layout(context), context.Settings.Container, Runner);
            _engine.Start();
        }

        return _engine;
    }

    /// <summary>The registry, started on first use when it is the suite's own.</summary>
    public LocalRegistry Registry(DeployContext context)
    {
        if (_registry is null)
        {
            _registry = new LocalRegistry(Layout(context), context.Settings.Container, Runner);
            _registry.Start();
        }

        return _registry;
    }

    /// <summary>The docker client's settings, pointed at the run's engine.</summary>
    public T Client<T>(DeployContext context, T settings)
        where T : ToolSettings
    {
        foreach (var (name, value) in Engine(context).ClientEnvironment)
        {
            settings.EnvironmentVariables[name] = value;
        }

        return settings;
    }

    public void Dispose()
    {
        _registry?.StopIfStarted();
        _engine?.StopIfStarted();
    }
}
