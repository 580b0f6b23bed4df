namespace CoralNet.Deploy.Container;

/// <summary>
/// Where the image builder keeps things on this machine: the engine's configuration and storage,
/// its API socket, the local registry's data, the base image's Debian tree while it is made, and
/// each image's build context. Root reads and runs what is here (podman's containers.conf names the
/// programs it runs), so the folder is root's alone (see <see cref="RootOnlyFolder"/>), one per checkout.
/// </summary>
public sealed class ContainerLayout(string directory)
{
    /// <summary>Where each checkout's folder is made: root's, outside every checkout.</summary>
    public const string StateRoot = "/var/lib/coralnet-deploy";

    /// <summary>A unix socket's path is cut at 108 bytes by the kernel.</summary>
    public const int SocketPathLimit = 107;

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The checkout's folder: named after a hash of its path, so that two checkouts keep apart.</summary>
    public static ContainerLayout ForCheckout(string repositoryRoot) => new(Path.Combine(
        StateRoot,
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(repositoryRoot).TrimEnd('/'))))[..16]));

    public string EngineConfigurationFile => Path.Combine(Directory, "containers.conf");

    public string StorageConfigurationFile => Path.Combine(Directory, "storage.conf");

    public string RegistriesConfigurationFile => Path.Combine(Directory, "registries.conf");

    public string Storage => Path.Combine(Directory, "storage");

    public string RunRoot => Path.Combine(Directory, "run");

    public string TemporaryDirectory => Path.Combine(Directory, "tmp");

    public string EventsLog => Path.Combine(Directory, "events.log");

    public string Socket => Path.Combine(Directory, "podman.sock");

    /// <summary>The docker client's configuration (DOCKER_CONFIG): registry logins stay in this root-only folder, not in root's home.</summary>
    public string ClientConfiguration => Path.Combine(Directory, "docker-client");

    public string EngineLog => Path.Combine(Directory, "podman.log");

    public string EnginePidFile => Path.Combine(Directory, "podman.pid");

    public string RegistryDirectory => Path.Combine(Directory, "registry");

    public string RegistryData => Path.Combine(RegistryDirectory, "data");

    /// <summary>Where the registry keeps its repositories' tags and manifests, once anything was pushed.</summary>
    public string RegistryRepositories => Path.Combine(RegistryData, "docker", "registry", "v2", "repositories");

    public string RegistryConfigurationFile => Path.Combine(RegistryDirectory, "config.yml");

    public string RegistryLog => Path.Combine(RegistryDirectory, "registry.log");

    public string RegistryPidFile => Path.Combine(RegistryDirectory, "registry.pid");

    /// <summary>What installing the base image's packages changed over the sandbox's Debian tree (an overlay's upper layer); removed once archived.</summary>
    public string BaseTree => Path.Combine(Directory, "base.partial");

    /// <summary>The base image's build context: the installed tree's archive and its Dockerfile; removed once built.</summary>
    public string BaseContext => Path.Combine(Directory, "base-context");

    /// <summary>The build context of the site's image: the release's files, and the Dockerfile beside them.</summary>
    public string ImageContext => Path.Combine(Directory, "context");

    public string RenderedDockerfile => Path.Combine(Directory, "Dockerfile");
}
