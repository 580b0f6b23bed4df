using System.Net;

namespace CoralNet.Deploy.Sandbox;

/// <summary>Builds every command the sandbox runs on this machine, as plain data.</summary>
public static class SandboxCommands
{
    /// <summary>
    /// What systemd-nspawn must be given on a machine whose PID 1 is not systemd (see the sandbox issue).
    /// A host that runs containers (<paramref name="engineStorage"/>: folders of its own for
    /// /var/lib/containers and /var/lib/docker, as overlay storage fails on the host's overlay root) also gets the unified
    /// cgroup hierarchy, a writable /proc/sys/net (its own namespace's) and the keyring and bpf calls runc makes.
    /// </summary>
    public static LocalCommand Nspawn(string root, string name, IReadOnlyList<EngineStorage>? engineStorage = null) => new(
        "systemd-nspawn",
        ["--boot", "--register=no", "--keep-unit", "--console=read-only",
         "-D", root, "-M", name,
         "--network-namespace-path=" + SandboxLayout.NetnsPath(name),
         "--resolv-conf=off", "--link-journal=no", "--capability=CAP_NET_ADMIN",
         .. engineStorage is null ? Array.Empty<string>() : ["--system-call-filter=@keyring bpf", .. engineStorage.Select(storage => $"--bind={storage.Folder}:{storage.Mount}")]])
    {
        Environment = engineStorage is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["SYSTEMD_NSPAWN_UNIFIED_HIERARCHY"] = "1", ["SYSTEMD_NSPAWN_API_VFS_WRITABLE"] = "network" },
    };

    /// <summary>Runs the host under the supervisor script: own cgroup, relaunch on reboot (exit 133), detached from this process.</summary>
    public static LocalCommand Supervise(string supervisorScript, SandboxLayout layout, string name, bool runsContainers = false) =>
        Detached(
            layout.ConsoleLog(name),
            new LocalCommand(
                "bash",
                [supervisorScript, name, layout.SupervisorPidFile(name), layout.NspawnPidFile(name),
                 .. SandboxLayout.CgroupHierarchies.Select(h => SandboxLayout.CgroupPath(h, name)), "--",
                 .. Nspawn(layout.HostRoot(name), name, runsContainers ? layout.HostEngineStorage(name) : null).AsWords()]));

    /// <summary>
    /// Starts a command in a session of its own, detached from this process, its output appended to a log
    /// (opened here, as root), in / rather than the checkout: a process that drops to another user
    /// need not reach the checkout at all.
    /// </summary>
    public static LocalCommand Detached(string logFile, LocalCommand command) => new(
        "setsid",
        ["-f", "sh", "-c", "log=$1; shift; cd / && exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", logFile, .. command.AsWords()]);

    public static LocalCommand Signal(string signal, int pid) => new("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static IEnumerable<LocalCommand> CreateBridge(IPAddress bridge) =>
    [
        new("ip", "link", "add", SandboxLayout.BridgeName, "type", "bridge"),
        new("ip", "addr", "add", bridge + "/24", "dev", SandboxLayout.BridgeName),
        new("ip", "link", "set", SandboxLayout.BridgeName, "up"),
    ];

    public static LocalCommand DeleteLink(string name) => new("ip", "link", "del", name);

    public static LocalCommand ShowAddresses() => new("ip", "-j", "-4", "addr", "show");


    /// <summary>A netns with the inner veth end as eth0 (the host's address, no default route) and the outer end on the bridge.</summary>
    public static IEnumerable<LocalCommand> CreateHostNetwork(SandboxHost host)
    {
        var outer = SandboxLayout.OuterVeth(host.Name);
        return
        [
            new("ip", "netns", "add", host.Name),
            new("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", host.Name),
            new("ip", "link", "set", outer, "master", SandboxLayout.BridgeName, "up"),
            new("ip", "-n", host.Name, "addr", "add", host.Address + "/24", "dev", "eth0"),
            new("ip", "-n", host.Name, "link", "set", "eth0", "up"),
            new("ip", "-n", host.Name, "link", "set", "lo", "up"),
        ];
    }

    /// <summary>Deleting the netns deletes the inner veth end, and with it the outer one.</summary>
    public static LocalCommand DeleteNetns(string name) => new("ip", "netns", "del", name);

    /// <summary>Lower layers are listed top first, as overlayfs takes them.</summary>
    public static LocalCommand MountOverlay(string lower, string upper, string work, string target) =>
        new("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={upper},workdir={work}", target);

    /// <summary>
    /// Runs one command inside a root (not booted), sharing this machine's network so it reaches the proxy on
    /// loopback (or, with no proxy, the mirrors), in PID and mount namespaces of its own with /proc/sys read-only.
    /// </summary>
    public static LocalCommand NspawnRun(string root, string? proxy, string command) => new(
        "systemd-nspawn",
        ["--register=no", "--keep-unit", "--quiet", "-D", root, "--resolv-conf=off",
         .. proxy is null ? Array.Empty<string>() : ["-E", "http_proxy=" + proxy], "-E", "DEBIAN_FRONTEND=noninteractive", "sh", "-c", command]);

    public static LocalCommand Unmount(string target) => new("umount", target);

    public static LocalCommand Debootstrap(string target, string mirror, string proxy, string release, IEnumerable<string> include) =>
        new("debootstrap", "--variant=minbase", "--include=" + string.Join(',', include), release, target, mirror)
        {
            Environment = new Dictionary<string, string> { ["http_proxy"] = proxy },
        };

    public static LocalCommand AptUpdate() => new("apt-get", "update", "-q");

    public static LocalCommand AptInstall(IEnumerable<string> packages) =>
        new("apt-get", ["install", "-y", "-q", "--no-install-recommends", .. packages])
        {
            Environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };

    /// <summary>All missing host key types, written under the host's root instead of this machine's /etc/ssh.</summary>
    public static LocalCommand HostKeys(string root) => new("ssh-keygen", "-A", "-f", root);

    public static LocalCommand ClientKey(string privateKey) =>
        new("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "coralnet-sandbox", "-f", privateKey);

    /// <summary>The apt-cacher-ng daemon with the sandbox's configuration folder, run as the package's own user.</summary>
    public static LocalCommand Proxy(string configurationFolder) =>
        new("runuser", "-u", ProxyConfiguration.User, "--", "/usr/sbin/apt-cacher-ng", "-c", configurationFolder);

    /// <summary>The system ssh client, always verifying the host key against the sandbox's known_hosts.</summary>
    public static LocalCommand Ssh(SandboxLayout layout, IPAddress address, string remoteCommand) => new(
        "ssh",
        "-i", layout.PrivateKey,
        "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + layout.KnownHosts,
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10",
        "-o", "LogLevel=ERROR",
        "root@" + address,
        remoteCommand);

    private static string[] AsWords(this LocalCommand command)
    {
        if (command.Environment.Count > 0)
        {
            return ["env", .. command.Environment.Select(p => $"{p.Key}={p.Value}"), command.Program, .. command.Arguments];
        }

        return [command.Program, .. command.Arguments];
    }
}
