using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The engine that runs the site's containers on a web host (Container.HostEngine): the one place
/// saying what differs between podman and docker there: the packages, the configuration files (with
/// the registry the hosts pull from), and the lines of the slot unit that start and stop a container.
/// Everything else is the same command line for both: <c>ENGINE image inspect</c>, <c>pull</c>,
/// <c>run</c> with <see cref="RunOptions"/>, <c>images</c>, <c>rmi</c>.
/// </summary>
/// <param name="Name">The engine's command, and the suffix of its slot unit lines' template (container-unit-NAME.conf).</param>
/// <param name="Packages">What InstallContainerEngine installs.</param>
public sealed record HostEngine(ContainerEngine Kind, string Name, IReadOnlyList<string> Packages)
{
    /// <summary>podman with runc (crun fails on the sandbox's cgroup layout) and catatonit (podman's --init).</summary>
    public static readonly HostEngine Podman = new(ContainerEngine.Podman, "podman", ["podman", "runc", "catatonit"]);

    /// <summary>Debian's docker.io (dockerd, containerd, runc, and tini as docker-init for --init).</summary>
    public static readonly HostEngine Docker = new(ContainerEngine.Docker, "docker", ["docker.io"]);

    public static readonly IReadOnlyList<HostEngine> All = [Podman, Docker];

    public static HostEngine Of(ContainerEngine kind) => All.Single(engine => engine.Kind == kind);

    /// <summary>podman's configuration, read after the package's own.</summary>
    public const string PodmanConfiguration = "/etc/containers/containers.conf";

    /// <summary>dockerd's configuration (the whole of it: the package ships none).</summary>
    public const string DockerConfiguration = "/etc/docker/daemon.json";

    /// <summary>The [Unit] lines of the slot unit tying it to the engine's daemon (docker's; podman has none).</summary>
    public string UnitDependencies => Kind == ContainerEngine.Docker
        ? "# A restart of dockerd stops the containers: the slot is restarted with it.\nAfter=docker.service\nRequires=docker.service"
        : "# podman runs no daemon.";

    /// <summary>
    /// How every container of the site runs, the slots' and the one-off ones: from an image already on
    /// the host, under an init (python as PID 1 ignores SIGTERM), on the host's network (no bridge, no
    /// firewall rule), with a read-only root (a tmpfs on /tmp: gunicorn's heartbeat files; docker makes
    /// none by itself), as nobody, logging to the journal, each variable of systemd's environment by name.
    /// </summary>
    public static string RunOptions(IEnumerable<string> environmentNames) =>
        $"--pull=never --init --network host --read-only --tmpfs /tmp --user {SiteTemplates.ContainerUser} --log-driver journald "
        + string.Join(' ', environmentNames.Select(name => "-e " + name));

    /// <summary>
    /// What InstallContainerEngine makes on a web host: the packages and the engine's configuration files
    /// (root's, world-readable), with the registry it pulls from (plain HTTP only to the sandbox's own).
    /// </summary>
    public IReadOnlyList<IHostResource> Resources(HostRegistry registry, string siteName) => Kind == ContainerEngine.Podman
        ?
        [
            new PackagesResource(Packages),
            new FileResource(PodmanConfiguration, TemplateRenderer.Render("host-containers.conf", new Dictionary<string, string>()), "root", "root", ConfigFileMode),
            new FileResource(PodmanRegistries(siteName), ContainerTemplates.HostRegistries(registry), "root", "root", ConfigFileMode),
        ]
        :
        [
            // Written before the package is installed, so that dockerd's first start already makes no
            // bridge and no firewall rule; a later change (the registry) is read on a reload, which
            // leaves the running containers alone (a restart would stop them).
            new FileResource(DockerConfiguration, ContainerTemplates.DockerDaemon(registry), "root", "root", ConfigFileMode,
                onChange: "if systemctl is-active --quiet docker.service; then systemctl reload docker.service; fi"),
            new PackagesResource(Packages),
        ];

    /// <summary>
    /// The root-only file naming the registry's credential helper for a registry that needs a login (no
    /// credential in it): podman's auth file; for docker a client config.json in a folder of the site's own.
    /// </summary>
    public string RegistryAuth(string siteName) => Kind == ContainerEngine.Podman ? $"/etc/containers/{siteName}-auth.json" : $"/etc/docker/{siteName}-client/config.json";

    /// <summary>The pull's command line; with <paramref name="login"/>, through <see cref="RegistryAuth"/>, whose helper logs in.</summary>
    public string Pull(string siteName, bool login) =>
        !login ? $"{Name} pull --quiet"
        : Kind == ContainerEngine.Podman ? $"podman pull --quiet --authfile {Shell.Quote(RegistryAuth(siteName))}"
        : $"docker --config {Shell.Quote(Path.GetDirectoryName(RegistryAuth(siteName))!)} pull --quiet";

    /// <summary>sh succeeding when the host has the image, silently.</summary>
    public string HasImage(string image) => $"{Name} image inspect {Shell.Quote(image)} > /dev/null 2>&1";

    /// <summary>
    /// sh printing what the image's code runs on, as a hash of its layers but the last (the app's code, which every
    /// release changes): the base and the installed packages (a rebuilt base, a newer Django say, is another
    /// hash); it prints nothing and fails when the image cannot be read.
    /// </summary>
    public string BaseLayersHash(string image) =>
        $"layers=$({Name} image inspect --format {Shell.Quote("{{range .RootFS.Layers}}{{println .}}{{end}}")} {Shell.Quote(image)}) && [ -n \"$layers\" ] && printf '%s\\n' \"$layers\" | sed '$d' | sha256sum | cut -c1-64";

    /// <summary>podman's registries.conf drop-in of the site.</summary>
    public static string PodmanRegistries(string siteName) => $"/etc/containers/registries.conf.d/50-{siteName}.conf";

    /// <summary>The [Service] lines of the slot unit that start and stop the slot's container, named <paramref name="container"/>.</summary>
    public string UnitLines(string container, string runOptions, int gracefulTimeoutSeconds) =>
        TemplateRenderer.Render($"container-unit-{Name}.conf", new Dictionary<string, string>
        {
            ["Container"] = container,
            ["RunOptions"] = runOptions,
            ["GracefulTimeoutSeconds"] = gracefulTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);
}
