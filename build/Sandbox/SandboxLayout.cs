namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// Where the sandbox keeps things on this machine and which names it gives them. Two places: the
/// checkout's state folder (the base image, the hosts' layers, keys; only root opens it, so the
/// checkout may sit in a 0700 home), and a root-owned folder under /run for what is machine-wide like
/// the bridge (which checkout holds the sandbox) and what a non-root service must reach (the package
/// proxy runs as its own user).
/// </summary>
public sealed class SandboxLayout(string stateDirectory, string privateKey, string knownHosts, string runtimeDirectory = SandboxLayout.MachineRuntimeDirectory)
{
    /// <summary>The sandbox's bridge; one sandbox per machine uses it.</summary>
    public const string BridgeName = "coralsbx0";

    /// <summary>The sandbox's folder of runtime files on this machine: gone with SandboxDown, and with a reboot.</summary>
    public const string MachineRuntimeDirectory = "/run/coralnet-sandbox";

    /// <summary>The cgroup folder, under each mounted hierarchy, that holds one folder per host.</summary>
    public const string CgroupFolder = "coralnet-sandbox";

    public static readonly IReadOnlyList<string> CgroupHierarchies = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"];

    public const int ProxyPort = 3142;

    public string StateDirectory { get; } = Path.GetFullPath(stateDirectory);

    public string PrivateKey { get; } = Path.GetFullPath(privateKey);

    public string PublicKey => PrivateKey + ".pub";

    public string KnownHosts { get; } = Path.GetFullPath(knownHosts);

    public string Base => Path.Combine(StateDirectory, "base");

    public string PartialBase => Path.Combine(StateDirectory, "base.partial");

    /// <summary>What the database host has over the base (PostgreSQL installed): an overlay layer built once.</summary>
    public string DatabaseLayer => Path.Combine(StateDirectory, "base-db");

    public string PartialDatabaseLayer => Path.Combine(StateDirectory, "base-db.partial");

    /// <summary>Held by one sandbox command of this checkout at a time.</summary>
    public string Lock => Path.Combine(StateDirectory, "lock");

    /// <summary>Root-owned, mode 0755: machine-wide like the bridge, and reachable by the proxy's user whatever the checkout's permissions.</summary>
    public string RuntimeDirectory { get; } = Path.GetFullPath(runtimeDirectory);

    /// <summary>Which checkout's sandbox runs on this machine, and on which subnet (<see cref="SandboxClaim"/>).</summary>
    public string ClaimRecord => Path.Combine(RuntimeDirectory, "claim");

    /// <summary>The proxy's configuration folder: root-owned, readable by the proxy's user.</summary>
    public string ProxyDirectory => Path.Combine(RuntimeDirectory, "proxy");

    public string ProxyConfigurationFile => Path.Combine(ProxyDirectory, "acng.conf");

    /// <summary>The one folder the proxy's user writes: its PID file and control socket.</summary>
    public string ProxyRuntime => Path.Combine(ProxyDirectory, "run");

    public string ProxyPidFile => Path.Combine(ProxyRuntime, "pid");

    public string ProxySocket => Path.Combine(ProxyRuntime, "socket");

    /// <summary>The proxy's standard output and error, opened by root before the proxy drops to its user; kept after a failed start.</summary>
    public string ProxyLog => Path.Combine(StateDirectory, "proxy.log");

    public string HostsDirectory => Path.Combine(StateDirectory, "hosts");

    public string HostDirectory(string name) => Path.Combine(HostsDirectory, name);

    public string HostRoot(string name) => Path.Combine(HostDirectory(name), "root");

    public string HostUpper(string name) => Path.Combine(HostDirectory(name), "upper");

    public string HostWork(string name) => Path.Combine(HostDirectory(name), "work");

    /// <summary>
    /// A host's own storage for each container engine, bind-mounted where the engine keeps it when the
    /// host runs containers (podman's /var/lib/containers, docker's /var/lib/docker); gone with the host.
    /// </summary>
    public IReadOnlyList<EngineStorage> HostEngineStorage(string name) =>
    [
        new(Path.Combine(HostDirectory(name), "containers"), "/var/lib/containers"),
        new(Path.Combine(HostDirectory(name), "docker"), "/var/lib/docker"),
    ];

    /// <summary>Present while the host runs booted to run containers (see <see cref="SandboxCommands.Nspawn"/>).</summary>
    public string HostRunsContainersMark(string name) => Path.Combine(HostDirectory(name), "runs-containers");

    public string SupervisorPidFile(string name) => Path.Combine(HostDirectory(name), "supervisor.pid");

    public string NspawnPidFile(string name) => Path.Combine(HostDirectory(name), "nspawn.pid");

    /// <summary>The database setup last done on the running host (its script's hash, the master password's SCRAM verifier); gone with the host.</summary>
    public string DatabaseSetupRecord(string name) => Path.Combine(HostDirectory(name), "database-setup");

    public string ConsoleLog(string name) => Path.Combine(HostDirectory(name), "console.log");

    public static string NetnsPath(string name) => "/run/netns/" + name;

    /// <summary>The outer end of the host's veth pair, on the bridge (interface names are at most 15 characters).</summary>
    public static string OuterVeth(string name) => "vsb-" + name;

    public static string CgroupPath(string hierarchy, string name) => Path.Combine(hierarchy, CgroupFolder, name);
}

/// <summary>A folder of this machine bind-mounted on <paramref name="Mount"/> inside a sandbox host.</summary>
public sealed record EngineStorage(string Folder, string Mount);
