namespace CoralNet.Deploy.Container;

/// <summary>
/// Where the image builder keeps things on this machine, all under the checkout's artifacts folder
/// (outside git): the engine's configuration and storage, its API socket, the local registry's data,
/// the base image's Debian tree while it is made, and each image's build context.
/// </summary>
public sealed class ContainerLayout(string artifactsDirectory)
{
    /// <summary>A unix socket's path is cut at 108 bytes by the kernel.</summary>
    public const int SocketPathLimit = 107;

    public string Directory { get; } = Path.Combine(Path.GetFullPath(artifactsDirectory), "containers");

    public string EngineConfigurationFile => Path.Combine(Directory, "containers.conf");

    public string StorageConfigurationFile => Path.Combine(Directory, "storage.conf");

    public string RegistriesConfigurationFile => Path.Combine(Directory, "registries.conf");

    public string Storage => Path.Combine(Directory, "storage");

    public string RunRoot => Path.Combine(Directory, "run");

    public string TemporaryDirectory => Path.Combine(Directory, "tmp");

    public string EventsLog => Path.Combine(Directory, "events.log");

    public string Socket => Path.Combine(Directory, "podman.sock");

    public string EngineLog => Path.Combine(Directory, "podman.log");

    public string EnginePidFile => Path.Combine(Directory, "podman.pid");

    public string RegistryDirectory => Path.Combine(Directory, "registry");

    public string RegistryData => Path.Combine(RegistryDirectory, "data");

    public string RegistryConfigurationFile => Path.Combine(RegistryDirectory, "config.yml");

    public string RegistryLog => Path.Combine(RegistryDirectory, "registry.log");

    public string RegistryPidFile => Path.Combine(RegistryDirectory, "registry.pid");

    /// <summary>The copy of the sandbox's Debian tree the base image's packages are installed into; removed once imported.</summary>
    public string BaseTree => Path.Combine(Directory, "base.partial");

    /// <summary>The build context of the site's image: the release's files, and the Dockerfile beside them.</summary>
    public string ImageContext => Path.Combine(Directory, "context");

    public string RenderedDockerfile => Path.Combine(Directory, "Dockerfile");
}
