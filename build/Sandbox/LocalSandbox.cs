using CoralNet.Deploy.Database;
using CoralNet.Deploy.Remote;
using System.Net;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Sandbox;

/// <summary>What SandboxStatus reports for one host.</summary>
public sealed record HostStatus(SandboxHost Host, bool Running);

/// <summary>
/// The local sandbox: Debian hosts booted with systemd-nspawn, each in its own network namespace on
/// a private bridge, apt going through a package proxy on this machine. Up is idempotent; Down leaves
/// nothing running behind and stops every process by the PID it recorded.
/// </summary>
public sealed class LocalSandbox
{
    private const string SupervisorScript = "tools/sandbox-supervisor.sh";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    private readonly DeploySettings _settings;
    private readonly SecretStore _secrets;
    private readonly string _repositoryRoot;
    private readonly Action<string> _log;
    private readonly LocalRunner _runner;

    public LocalSandbox(DeploySettings settings, SecretStore secrets, string repositoryRoot, Action<string> log, Action<string> verbose)
    {
        _settings = settings;
        _secrets = secrets;
        _repositoryRoot = repositoryRoot;
        _log = log;
        _runner = new LocalRunner(verbose);
        Addresses = SandboxAddresses.Of(settings.Sandbox);
        Layout = new SandboxLayout(
            Path.Combine(repositoryRoot, settings.Sandbox.StateDirectory),
            Path.Combine(repositoryRoot, settings.Ssh.PrivateKey),
            Path.Combine(repositoryRoot, settings.Ssh.KnownHosts));
    }

    public SandboxAddresses Addresses { get; }

    public SandboxLayout Layout { get; }

    private string ProxyUrl => $"http://127.0.0.1:{SandboxLayout.ProxyPort}";

    /// <summary>Starts what is missing and keeps what runs; returns the hosts, all answering SSH.</summary>
    public IReadOnlyList<SandboxHost> Up()
    {
        Prerequisites.Ensure(_runner, _log);
        Directory.CreateDirectory(Layout.StateDirectory);
        using var guard = Lock();
        EnsureBridge();
        var sources = AptSources.ForRelease(AptSources.ReadMachine(), BaseImage.Release);
        EnsureProxy(sources);
        BaseImage.Ensure(_runner, Layout, sources, ProxyUrl, _log);
        BaseImage.EnsureDatabaseLayer(_runner, Layout, ProxyUrl, DatabaseHostSetup.Package, _log);
        EnsureClientKey();

        var started = new List<SandboxHost>();
        foreach (var host in Addresses.Hosts)
        {
            if (IsRunning(host.Name))
            {
                _log($"{host.Name} {host.Address} (running)");
                continue;
            }

            Start(host);
            started.Add(host);
        }

        foreach (var host in started)
        {
            WaitUntilReady(host);
        }

        WriteKnownHosts();
        foreach (var host in started)
        {
            _log($"{host.Name} {host.Address} (started)");
        }

        var database = Addresses.Hosts.Single(h => h.IsDatabase);
        SetUpDatabase(database, started.Contains(database));
        return Addresses.Hosts;
    }

    /// <summary>Stops every host this sandbox started (whatever the settings name now), the proxy and the bridge.</summary>
    public void Down()
    {
        if (!Directory.Exists(Layout.StateDirectory))
        {
            _log("The sandbox is not up.");
            return;
        }

        using var guard = Lock();
        var names = Directory.Exists(Layout.HostsDirectory)
            ? Directory.GetDirectories(Layout.HostsDirectory).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        // Power every host off at once (about 2 s each), then wait for each and clear what it leaves.
        foreach (var supervisor in names.Select(n => MachineState.LivePid(Layout.SupervisorPidFile(n), SupervisorScript)).OfType<int>())
        {
            _runner.Run(Signal("TERM", supervisor));
        }

        foreach (var name in names)
        {
            Stop(name);
            Directory.Delete(Layout.HostDirectory(name), recursive: true);
            _log($"{name} stopped and removed");
        }

        StopProxy();
        if (File.Exists(Layout.NetworkRecord))
        {
            if (Directory.Exists("/sys/class/net/" + SandboxLayout.BridgeName))
            {
                _runner.Run(SandboxCommands.DeleteLink(SandboxLayout.BridgeName));
            }

            File.Delete(Layout.NetworkRecord);
        }

        foreach (var hierarchy in SandboxLayout.CgroupHierarchies)
        {
            RemoveCgroup(Path.Combine(hierarchy, SandboxLayout.CgroupFolder));
        }

        if (File.Exists(Layout.KnownHosts))
        {
            File.Delete(Layout.KnownHosts);
        }
    }

    public IReadOnlyList<HostStatus> Status() =>
        Addresses.Hosts.Select(h => new HostStatus(h, IsRunning(h.Name))).ToList();

    /// <summary>Runs a command on a host over SSH with the sandbox's key and known_hosts (host key checked).</summary>
    public LocalResult Ssh(SandboxHost host, string command, string? input = null) =>
        _runner.TryRun(SandboxCommands.Ssh(Layout, host.Address, command) with { Input = input });

    public bool IsRunning(string name) => MachineState.LivePid(Layout.SupervisorPidFile(name), SupervisorScript) is not null;

    private FileStream Lock()
    {
        try
        {
            return new FileStream(Layout.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new SandboxException($"Another sandbox command is running on {Layout.StateDirectory}; wait for it to finish.");
        }
    }

    private void EnsureBridge()
    {
        var ours = File.Exists(Layout.NetworkRecord) ? File.ReadAllText(Layout.NetworkRecord).Trim() : null;
        if (ours is not null && ours != Addresses.Subnet.ToString())
        {
            throw new SandboxException($"The sandbox is up on {ours}, not on Sandbox.Subnet {Addresses.Subnet}; run SandboxDown first.");
        }

        var bridgeExists = Directory.Exists("/sys/class/net/" + SandboxLayout.BridgeName);
        if (bridgeExists && ours is null)
        {
            throw new SandboxException($"The interface {SandboxLayout.BridgeName} already exists and this sandbox did not make it (another checkout's sandbox?); run SandboxDown there or delete it.");
        }

        foreach (var (name, address) in MachineState.Addresses(_runner.Run(SandboxCommands.ShowAddresses())))
        {
            if (Addresses.Subnet.Contains(address) && !(name == SandboxLayout.BridgeName && ours is not null))
            {
                throw new SandboxException($"The address range {Addresses.Subnet} is already in use by {name} ({address}); set another Sandbox.Subnet, for example --sandbox_subnet=10.214.0.0/24.");
            }
        }

        if (!bridgeExists)
        {
            foreach (var command in SandboxCommands.CreateBridge(Addresses.Bridge))
            {
                _runner.Run(command);
            }

            File.WriteAllText(Layout.NetworkRecord, Addresses.Subnet + "\n");
        }
    }

    private void EnsureProxy(IReadOnlyList<AptSource> sources)
    {
        if (MachineState.LivePid(Layout.ProxyPidFile, "apt-cacher-ng") is not null)
        {
            return;
        }

        Directory.CreateDirectory(Layout.ProxyRuntime);
        File.WriteAllText(Path.Combine(Layout.ProxyDirectory, "acng.conf"), ProxyConfiguration.Render(sources, Addresses.Bridge, Layout.ProxyRuntime));
        File.Delete(Layout.ProxyPidFile);
        _runner.Run(new LocalCommand("chown", ProxyConfiguration.User + ":", Layout.ProxyRuntime));
        _runner.Run(SandboxCommands.Detached(Path.Combine(Layout.ProxyDirectory, "proxy.log"), SandboxCommands.Proxy(Layout.ProxyDirectory)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (MachineState.LivePid(Layout.ProxyPidFile, "apt-cacher-ng") is not null && Listening(IPAddress.Loopback, SandboxLayout.ProxyPort))
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new SandboxException($"The package proxy (apt-cacher-ng) did not start on port {SandboxLayout.ProxyPort}; see {Path.Combine(Layout.ProxyDirectory, "proxy.log")} and /var/log/apt-cacher-ng (is the port taken by another apt-cacher-ng?).");
    }

    private static bool Listening(IPAddress address, int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            return client.ConnectAsync(address, port).Wait(TimeSpan.FromMilliseconds(500));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private void EnsureClientKey()
    {
        if (File.Exists(Layout.PrivateKey))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Layout.PrivateKey)!);
        _runner.Run(SandboxCommands.ClientKey(Layout.PrivateKey));
    }

    private void Start(SandboxHost host)
    {
        // A host that is not running may have left pieces behind (a crash, a reboot of this machine): clear them first.
        Stop(host.Name);
        foreach (var folder in new[] { Layout.HostUpper(host.Name), Layout.HostWork(host.Name), Layout.HostRoot(host.Name) })
        {
            Directory.CreateDirectory(folder);
        }

        var lower = host.IsDatabase ? Layout.DatabaseLayer + ":" + Layout.Base : Layout.Base;
        _runner.Run(SandboxCommands.MountOverlay(lower, Layout.HostUpper(host.Name), Layout.HostWork(host.Name), Layout.HostRoot(host.Name)));
        WriteHostFiles(host, Layout.HostRoot(host.Name));
        _runner.Run(SandboxCommands.HostKeys(Layout.HostRoot(host.Name)));
        foreach (var command in SandboxCommands.CreateHostNetwork(host))
        {
            _runner.Run(command);
        }

        File.Delete(Layout.ConsoleLog(host.Name));
        _runner.Run(SandboxCommands.Supervise(Path.Combine(_repositoryRoot, SupervisorScript), Layout, host.Name));
        // setsid returns at once: the supervisor records its PID a moment later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!IsRunning(host.Name) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    private void WriteHostFiles(SandboxHost host, string root)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The sandbox runs only on Linux.");
        }

        File.WriteAllText(Path.Combine(root, "etc/hostname"), host.Name + "\n");
        File.WriteAllText(Path.Combine(root, "etc/hosts"), HostsFile(host, Addresses.Hosts));
        File.WriteAllText(Path.Combine(root, "etc/apt/apt.conf.d/01sandbox-proxy"), ProxyConfiguration.AptClient(Addresses.Bridge));
        var ssh = Path.Combine(root, "root/.ssh");
        Directory.CreateDirectory(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var authorized = Path.Combine(ssh, "authorized_keys");
        File.WriteAllText(authorized, File.ReadAllText(Layout.PublicKey));
        File.SetUnixFileMode(authorized, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>/etc/hosts: the host's own name on 127.0.1.1 (sudo wants it) and every sandbox host by address.</summary>
    internal static string HostsFile(SandboxHost self, IEnumerable<SandboxHost> all) =>
        $"127.0.0.1\tlocalhost\n127.0.1.1\t{self.Name}\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        + string.Concat(all.Where(h => h.Name != self.Name).Select(h => $"{h.Address}\t{h.Name}\n"));

    private void WaitUntilReady(SandboxHost host)
    {
        if (!MachineState.WaitForSsh(host.Address, 22, BootTimeout, () => IsRunning(host.Name)))
        {
            var console = File.Exists(Layout.ConsoleLog(host.Name)) ? File.ReadLines(Layout.ConsoleLog(host.Name)).TakeLast(3) : [];
            throw new SandboxException($"{host.Name} did not answer SSH on {host.Address} within {BootTimeout.TotalSeconds} s; its console ({Layout.ConsoleLog(host.Name)}) ends: {string.Join(" | ", console)}");
        }
    }

    /// <summary>known_hosts with the real host keys of every running host, by name and address.</summary>
    private void WriteKnownHosts()
    {
        var lines = new List<string>();
        foreach (var host in Addresses.Hosts.Where(h => IsRunning(h.Name)))
        {
            foreach (var key in Directory.GetFiles(Path.Combine(Layout.HostRoot(host.Name), "etc/ssh"), "ssh_host_*_key.pub").Order(StringComparer.Ordinal))
            {
                var words = File.ReadAllText(key).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                lines.Add($"{host.Address},{host.Name} {words[0]} {words[1]}");
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Layout.KnownHosts)!);
        File.WriteAllLines(Layout.KnownHosts, lines);
    }

    /// <summary>
    /// Runs the database host's setup, unless the host was already running and its record says the
    /// same script ran there with the same master password (checked against the SCRAM verifier kept in
    /// the record, never the password); the record goes with the host when the sandbox goes down.
    /// </summary>
    private void SetUpDatabase(SandboxHost database, bool startedNow)
    {
        var script = DatabaseHostSetup.Script(database.Address, Addresses.Subnet, _settings.Database.MasterUser, _settings.Database.Port);
        var password = _secrets.Get(_settings.Database.MasterPassword).Reveal();
        var scriptHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        var record = Layout.DatabaseSetupRecord(database.Name);
        var done = !startedNow && File.Exists(record) ? File.ReadAllLines(record) : [];
        if (done is [var doneHash, var doneVerifier] && doneHash == scriptHash && ScramVerifier.Matches(password, doneVerifier))
        {
            _log($"{database.Name}: PostgreSQL 15 on {database.Address}:{_settings.Database.Port}, master user {_settings.Database.MasterUser} (ok, set up earlier in this boot)");
            return;
        }

        File.Delete(record);
        // A SCRAM verifier, not the password: even a failing statement that PostgreSQL logs holds no secret.
        var verifier = ScramVerifier.Compute(password);
        var result = Ssh(database, "bash -c " + Shell.Quote(script), verifier + "\n");
        if (!result.Succeeded)
        {
            throw new SandboxException($"Setting up PostgreSQL on {database.Name} failed (exit {result.ExitCode}): {result.Error.Trim().ReplaceLineEndings(" | ")}");
        }

        if (OperatingSystem.IsLinux())
        {
            // Readable by root only before the verifier goes in.
            File.WriteAllText(record, "");
            File.SetUnixFileMode(record, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllLines(record, [scriptHash, verifier]);
        _log($"{database.Name}: PostgreSQL 15 on {database.Address}:{_settings.Database.Port}, master user {_settings.Database.MasterUser} ({result.Output.Trim()})");
    }

    /// <summary>Stops one host by its recorded PIDs and removes its mount, network namespace and cgroup folders.</summary>
    private void Stop(string name)
    {
        var supervisor = MachineState.LivePid(Layout.SupervisorPidFile(name), SupervisorScript);
        var nspawn = MachineState.LivePid(Layout.NspawnPidFile(name), "systemd-nspawn");
        if (supervisor is not null)
        {
            _runner.Run(Signal("TERM", supervisor.Value));
        }
        else if (nspawn is not null)
        {
            _runner.Run(Signal("TERM", nspawn.Value));
        }

        WaitForExit([supervisor, nspawn], TimeSpan.FromSeconds(15));
        foreach (var pid in new[] { supervisor, nspawn }.OfType<int>().Where(MachineState.IsAlive))
        {
            _runner.TryRun(Signal("KILL", pid));
        }

        WaitForExit([supervisor, nspawn], TimeSpan.FromSeconds(5));
        foreach (var mount in MachineState.MountsUnder(Layout.HostDirectory(name)))
        {
            _runner.Run(SandboxCommands.Unmount(mount));
        }

        if (File.Exists(SandboxLayout.NetnsPath(name)))
        {
            _runner.Run(SandboxCommands.DeleteNetns(name));
        }

        // The outer veth end goes with the netns, a moment later; delete it only if it stays.
        var veth = "/sys/class/net/" + SandboxLayout.OuterVeth(name);
        if (Directory.Exists(veth) && !_runner.TryRun(SandboxCommands.DeleteLink(SandboxLayout.OuterVeth(name))).Succeeded && Directory.Exists(veth))
        {
            throw new SandboxException($"Cannot delete the interface {SandboxLayout.OuterVeth(name)}; delete it with 'ip link del {SandboxLayout.OuterVeth(name)}'.");
        }

        foreach (var hierarchy in SandboxLayout.CgroupHierarchies)
        {
            RemoveCgroup(SandboxLayout.CgroupPath(hierarchy, name));
        }

        if (Directory.Exists(Layout.HostDirectory(name)))
        {
            File.Delete(Layout.SupervisorPidFile(name));
            File.Delete(Layout.NspawnPidFile(name));
        }
    }

    private void StopProxy()
    {
        var pid = MachineState.LivePid(Layout.ProxyPidFile, "apt-cacher-ng");
        if (pid is not null)
        {
            _runner.Run(Signal("TERM", pid.Value));
            WaitForExit([pid], TimeSpan.FromSeconds(10));
        }

        if (Directory.Exists(Layout.ProxyRuntime))
        {
            Directory.Delete(Layout.ProxyRuntime, recursive: true);
        }
    }

    private static LocalCommand Signal(string signal, int pid) => new("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void WaitForExit(IEnumerable<int?> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pids.OfType<int>().Any(MachineState.IsAlive) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
    }

    /// <summary>cgroup folders are removed with rmdir, deepest first, once no process is left in them.</summary>
    private static void RemoveCgroup(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var child in Directory.GetDirectories(folder))
        {
            RemoveCgroup(child);
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(folder);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
            catch (IOException exception)
            {
                throw new SandboxException($"Cannot remove the cgroup folder {folder} ({exception.Message}): a process of the sandbox is still in it.");
            }
        }
    }
}
