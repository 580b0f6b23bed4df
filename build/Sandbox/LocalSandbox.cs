using CoralNet.Deploy.Database;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Sandbox;

/// <summary>What SandboxStatus reports for one host.</summary>
public sealed record HostStatus(SandboxHost Host, bool Running);

/// <summary>
/// The local sandbox: Debian hosts booted with systemd-nspawn, each in its own network namespace on
/// a private bridge, apt going through a package proxy on this machine. Up is idempotent, and a failed
/// Up undoes what it made; Down leaves nothing running behind and stops every process by the PID it
/// recorded. One checkout's sandbox runs on a machine at a time (<see cref="SandboxClaim"/>).
/// </summary>
public sealed class LocalSandbox
{
    private const string SupervisorScript = "tools/sandbox-supervisor.sh";
    private readonly DeploySettings _settings;
    private readonly SecretStore _secrets;
    private readonly Action<string> _log;
    private readonly LocalRunner _runner;
    private readonly SandboxNetwork _network;
    private readonly PackageProxy _proxy;
    private readonly HostLifecycle _hosts;
    private readonly AcmeTestCa _acme;

    public LocalSandbox(DeploySettings settings, SecretStore secrets, string repositoryRoot, Action<string> log, Action<string> verbose)
    {
        _settings = settings;
        _secrets = secrets;
        _log = log;
        _runner = new LocalRunner(verbose);
        var checkout = Path.GetFullPath(repositoryRoot);
        Addresses = SandboxAddresses.Of(settings.Sandbox);
        Layout = new SandboxLayout(
            Path.Combine(checkout, settings.Sandbox.StateDirectory),
            Path.Combine(checkout, settings.Ssh.PrivateKey),
            Path.Combine(checkout, settings.Ssh.KnownHosts));
        _network = new SandboxNetwork(_runner, Layout, Addresses, checkout);
        _proxy = new PackageProxy(_runner, Layout);
        _hosts = new HostLifecycle(_runner, Layout, Addresses, Path.Combine(checkout, SupervisorScript));
        _acme = new AcmeTestCa(_runner, Layout, Addresses.Bridge);
    }

    /// <summary>The sandbox's ACME CA (pebble) and its DNS.</summary>
    public AcmeTestCa Acme => _acme;

    public SandboxAddresses Addresses { get; }

    public SandboxLayout Layout { get; }

    /// <summary>Which checkout's sandbox runs on this machine, if any.</summary>
    public SandboxClaim? Claim => _network.Claim;

    /// <summary>
    /// Starts what is missing and keeps what runs; returns the hosts, all answering SSH. If any step
    /// fails, what this run made is undone (what ran before it keeps running) and the error stands.
    /// </summary>
    public IReadOnlyList<SandboxHost> Up()
    {
        Prerequisites.Ensure(_runner, _log);
        _network.RefuseAnotherCheckout();
        Directory.CreateDirectory(Layout.StateDirectory);
        using var guard = Lock();
        var undo = new UndoLog();
        try
        {
            return Up(undo);
        }
        catch (Exception failure)
        {
            var made = undo.Made;
            if (made.Count == 0)
            {
                throw;
            }

            _log($"SandboxUp failed; undoing what this run made: {string.Join(", ", made)}");
            var left = undo.UndoAll();
            if (left.Count > 0)
            {
                throw new SandboxException($"{failure.Message} Undoing this run failed for: {string.Join("; ", left)}; run SandboxDown.", failure);
            }

            throw;
        }
    }

    /// <summary>Stops every host this sandbox started (whatever the settings name now), the proxy and the bridge.</summary>
    public void Down()
    {
        _network.RefuseAnotherCheckout();
        if (!Directory.Exists(Layout.StateDirectory) && Claim is null)
        {
            _log("The sandbox is not up.");
            return;
        }

        Directory.CreateDirectory(Layout.StateDirectory);
        using var guard = Lock();
        var names = _hosts.Known();
        _hosts.PowerOff(names);
        foreach (var name in names)
        {
            _hosts.Remove(name);
            _log($"{name} stopped and removed");
        }

        _proxy.Stop();
        _acme.Stop();
        _network.Remove();
        HostLifecycle.RemoveCgroupRoot();
        RefreshKnownHosts();
    }

    /// <summary>Stops one host at once, as a machine losing power would; its layer stays, and the next Up boots it again.</summary>
    public void PowerOff(string name)
    {
        using var guard = Lock();
        _hosts.Stop(Addresses[name].Name);
    }

    public IReadOnlyList<HostStatus> Status() =>
        Addresses.Hosts.Select(h => new HostStatus(h, IsRunning(h.Name))).ToList();

    /// <summary>Runs a command on a host over SSH with the sandbox's key and known_hosts (host key checked).</summary>
    public LocalResult Ssh(SandboxHost host, string command, string? input = null) =>
        _runner.TryRun(SandboxCommands.Ssh(Layout, host.Address, command) with { Input = input });

    public bool IsRunning(string name) => _hosts.IsRunning(name);

    private IReadOnlyList<SandboxHost> Up(UndoLog undo)
    {
        _network.Ensure(undo);
        var sources = AptSources.ForRelease(AptSources.ReadMachine(), BaseImage.Release);
        _proxy.Ensure(sources, Addresses.Bridge, undo);
        BaseImage.Ensure(_runner, Layout, sources, PackageProxy.Url, _log);
        BaseImage.EnsureDatabaseLayer(_runner, Layout, PackageProxy.Url, DatabaseHostSetup.Package, _log);
        EnsureClientKey();

        var containers = _settings.Site.Runtime == SiteRuntime.Container;
        var started = ToBoot();
        foreach (var host in Addresses.Hosts.Except(started))
        {
            _log($"{host.Name} {host.Address} (running)");
        }

        if (started.Count > 0)
        {
            // Entered first, so undone last: what stays running keeps its keys, and no host's leaves known_hosts with nothing.
            undo.Add("known_hosts", RefreshKnownHosts);
            if (!HostLifecycle.CgroupRootExists)
            {
                undo.Add("the cgroup folders " + SandboxLayout.CgroupFolder, HostLifecycle.RemoveCgroupRoot);
            }
        }

        foreach (var host in started)
        {
            undo.Add(host.Name, () => _hosts.Remove(host.Name));
            _hosts.Start(host, containers && !host.IsDatabase);
        }

        foreach (var host in started)
        {
            _hosts.WaitUntilReady(host);
        }

        RefreshKnownHosts();
        foreach (var host in started)
        {
            _log($"{host.Name} {host.Address} (started)");
        }

        var database = Addresses.Hosts.Single(h => h.IsDatabase);
        SetUpDatabase(database, started.Contains(database));
        _acme.Ensure(undo);
        // The site's names resolve to where its traffic enters: the load balancer, else the first web host (for pebble's HTTP-01 checks).
        _acme.Resolve(Templates.SiteTemplates.Names(_settings.Site), (Addresses.LoadBalancer ?? Addresses.Hosts.First(h => h.IsWeb)).Address);
        _log($"ACME test CA (pebble): {_acme.Directory}; its issuing root: {_acme.IssuingRoot}");
        return Addresses.Hosts;
    }

    /// <summary>
    /// Whether Up would boot no host and leave known_hosts as it is: every host runs as the settings want it and known_hosts
    /// already holds their keys (a run for other hosts, e.g. one web host of its own, rewrote it for those).
    /// </summary>
    public bool BootsNone() =>
        ToBoot().Count == 0 && File.Exists(Layout.KnownHosts) && File.ReadAllLines(Layout.KnownHosts).SequenceEqual(KnownHostsLines());

    /// <summary>
    /// The hosts Up boots: those not running, and, when Site.Runtime says the web hosts run the site's containers, a web host
    /// running without the flags for them. One running with them stays up for the host runtime (they cost it nothing): a run
    /// refused for changing the host's runtime in place (SlotInstances) leaves its containers serving.
    /// </summary>
    private List<SandboxHost> ToBoot()
    {
        var containers = _settings.Site.Runtime == SiteRuntime.Container;
        return Addresses.Hosts.Where(h => !IsRunning(h.Name) || (!h.IsDatabase && containers && !_hosts.RunsContainers(h.Name))).ToList();
    }

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

    private void EnsureClientKey()
    {
        if (File.Exists(Layout.PrivateKey))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Layout.PrivateKey)!);
        _runner.Run(SandboxCommands.ClientKey(Layout.PrivateKey));
    }

    /// <summary>known_hosts with the real host keys of every running host, by name and address; none when no host runs.</summary>
    private void RefreshKnownHosts()
    {
        var lines = KnownHostsLines();
        if (lines.Count == 0)
        {
            if (File.Exists(Layout.KnownHosts))
            {
                File.Delete(Layout.KnownHosts);
            }

            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Layout.KnownHosts)!);
        File.WriteAllLines(Layout.KnownHosts, lines);
    }

    private List<string> KnownHostsLines()
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

        return lines;
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
}
