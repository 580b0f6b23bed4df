namespace CoralNet.Deploy.Sandbox;

/// <summary>Where the sandbox keeps things on this machine and which names it gives them.</summary>
public sealed class SandboxLayout(string stateDirectory, string privateKey, string knownHosts)
{
    /// <summary>The sandbox's bridge; one sandbox per machine uses it.</summary>
    public const string BridgeName = "coralsbx0";

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

    public string Lock => Path.Combine(StateDirectory, "lock");

    /// <summary>Says that this sandbox made the bridge, holding its subnet.</summary>
    public string NetworkRecord => Path.Combine(StateDirectory, "network");

    public string ProxyDirectory => Path.Combine(StateDirectory, "proxy");

    public string ProxyRuntime => Path.Combine(ProxyDirectory, "run");

    public string ProxyPidFile => Path.Combine(ProxyRuntime, "pid");

    public string HostsDirectory => Path.Combine(StateDirectory, "hosts");

    public string HostDirectory(string name) => Path.Combine(HostsDirectory, name);

    public string HostRoot(string name) => Path.Combine(HostDirectory(name), "root");

    public string HostUpper(string name) => Path.Combine(HostDirectory(name), "upper");

    public string HostWork(string name) => Path.Combine(HostDirectory(name), "work");

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
