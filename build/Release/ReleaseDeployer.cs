using CoralNet.Deploy.HostState;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Release;

/// <summary>What a release deploy needs besides the hosts: the site, where its sources and the manifest cache are, the health check's bound.</summary>
/// <param name="ManifestCache">A local folder keeping each host's manifests of the releases it was sent, so that the serving release's manifest need not cross the wire again.</param>
/// <param name="NginxTemplate">The nginx site template's text, when not the embedded one.</param>
/// <param name="Tls">How the site gets its certificate (none: http only).</param>
/// <param name="TrustedRoots">PEM files of the only roots the health check over https trusts (the sandbox's test CA); none: the system's.</param>
/// <param name="Registry">Where the hosts pull the site's image from (Site.Runtime container).</param>
/// <param name="Engine">The engine that runs the site's containers on the hosts (Site.Runtime container; none: podman).</param>
/// <param name="UndoRetries">How long an undo waits between its tries (none: about 20 s in all).</param>
/// <param name="HostPorts">How the health check reaches each host's nginx (none: straight to its address; see <see cref="HostPortRoute"/>).</param>
public sealed record ReleaseOptions(SiteSettings Site, string SiteDirectory, string ManifestCache, TimeSpan HealthCheckTimeout, string? NginxTemplate = null, TlsSettings? Tls = null, IReadOnlyList<string>? TrustedRoots = null, Container.HostRegistry? Registry = null, IReadOnlyList<TimeSpan>? UndoRetries = null, Container.HostEngine? Engine = null, NginxFront? Front = null, IHostPorts? HostPorts = null)
{
    public TlsSettings TlsOrOff => Tls ?? new TlsSettings { Mode = TlsMode.Off };
}

/// <summary>
/// The release deploy on a set of web hosts, step by step (the tasks call one step each), every step
/// on all hosts at once over the run's executor. The cutover is blue/green: the new release starts
/// in the gunicorn instance that is not serving, is checked directly, then <c>current</c> and nginx
/// move to it (a graceful reload), the site is checked through nginx, and only then the old instance
/// stops. A cutover step that fails in any way (a failed command, a dropped connection, a timeout, a
/// cancellation) undoes the cutover on every host that got that far; so does a run that ends unfinished.
/// </summary>
/// <param name="log">Information: what each step did.</param>
/// <param name="detail">Each command and whether it changed something (verbose).</param>
/// <param name="recorder">Where each command's outcome is recorded, per host, for the task's line and the run's recap.</param>
/// <param name="probe">How the site is asked which release it serves (HTTP through each host's nginx unless a test hands in another).</param>
/// <param name="cancellation">The run's cancellation: a signal stops the deploy at the next command.</param>
public sealed class ReleaseDeployer(
    IRemoteExecutor executor,
    IReadOnlyList<SshTarget> hosts,
    ReleaseOptions options,
    Action<string> log,
    Action<string> detail,
    RunRecorder? recorder = null,
    IHealthProbe? probe = null,
    CancellationToken cancellation = default)
{
    private readonly ReleaseCommands _commands = new(new ReleasePaths(options.Site.Root, options.Site.Name), NginxSites.CertificateChain(options),
        options.TlsOrOff.Mode == TlsMode.Acme ? new Tls.CertificateCommands(options.Site, options.TlsOrOff).State() : null, options.Engine);
    private readonly NginxSites _nginx = new(options);
    private readonly ReleaseRunner _runner = new(executor, detail, recorder, cancellation);
    private IHealthProbe? _probe = probe;
    private HostReleases? _hostReleases;
    private DeployLock? _lock;
    private ReleasePackage? _package;
    private string? _confirmed;

    /// <summary>Whether the serving release has the package's files on every host: it is deployed again instead of a new release.</summary>
    private bool _reused;

    /// <summary>What the release runs on and the migrate stamp, as the first host printed them with InstallRequirements or PullImage; null when not read.</summary>
    private MigrationStamp.State? _migrateState;

    public IReadOnlyList<SshTarget> Hosts => hosts;

    /// <summary>The release this run deploys (or rolls back to).</summary>
    public string? Id { get; private set; }

    /// <summary>The git commit of the release this run packaged, when its sources lie in a work tree.</summary>
    public SourceRevision? Revision => _package?.Snapshot.Revision;

    /// <summary>The release this run packaged; null before PackageRelease (and in a rollback).</summary>
    public ReleasePackage? PackagedRelease => _package;

    /// <summary>Where the site answers: https://Site.Domain/ (http:// with Tls.Mode off).</summary>
    public string SiteUrl => $"{(options.TlsOrOff.Mode == TlsMode.Off && options.Front?.HttpsAtLoadBalancer != true ? "http" : "https")}://{options.Site.Domain}/";

    public bool HoldsLock => _lock is { Held: true };

    /// <summary>Whether everything this deploy would install already serves on every host: the run only checks, cuts no release, restarts nothing.</summary>
    public bool UpToDate { get; private set; }

    private HostReleases HostStates => _hostReleases ??= new HostReleases(hosts, options.Site, _runner, _commands);

    private Cutover Cutover => new(_runner, _commands, options.Site, options.HealthCheckTimeout, _nginx, log, options.UndoRetries);

    /// <summary>The site asked through each host's nginx, over https once the host serves it (the chain and name checked, as a browser would).</summary>
    private IHealthProbe Probe => _probe ??= new HttpHealthProbe(options.Site.Domain, options.TrustedRoots ?? [], ServesTls, options.HostPorts ?? DirectHostPorts.Instance);

    /// <summary>The cutover on every host at once; an undo deletes this run's new release (a rollback's target is an old release and stays).</summary>
    private HostsCutover AllHosts => new(HostStates, Cutover, Probe, options.HealthCheckTimeout, _package is not null && _confirmed is null ? Id : null, cancellation);

    private ContainerReleaseInstaller Containers => new(HostStates, _runner, _commands, options);

    private bool RunsContainers => options.Site.Runtime == SiteRuntime.Container;

    private ReleaseInstaller Installer => new(Packaged(), HostStates, _runner, _commands, new ManifestCache(options.ManifestCache, options.Site.Name, _runner, _commands));

    /// <summary>Takes a snapshot of the site directory and names the release; nothing reaches a host.</summary>
    public string Package(DateTimeOffset madeAt)
    {
        _package = ReleasePackage.Take(options.SiteDirectory, madeAt);
        Id = _package.Id;
        log($"Release {Id}: {_package.Snapshot.Manifest.Entries.Count} files from {_package.Snapshot.Directory}.");
        return Id;
    }

    /// <summary>
    /// Takes the deploy lock on every host (an atomic mkdir there) and reads each host's state under it, in
    /// the same round trip; then repairs what a run killed mid-cutover left (<c>current</c> not naming the
    /// release nginx serves) and removes the incomplete releases that failed or stopped runs left.
    /// </summary>
    /// <param name="startsInstances">Whether the run starts the site's instances (a deploy, a rollback): it is refused, before anything changes, on a host whose instances run otherwise than the settings say (see <see cref="SlotInstances"/>).</param>
    /// <param name="inspect">A script reporting on the host that the run would send next anyway (the host configuration's probe), sent in the lock's round trip.</param>
    /// <returns>What <paramref name="inspect"/> printed on each host (none without it).</returns>
    public async Task<IReadOnlyDictionary<SshTarget, string>> LockAsync(DeployLockHolder holder, int waitSeconds, bool takeOver = false, bool startsInstances = true, RemoteCommand? inspect = null)
    {
        _lock ??= new DeployLock(_runner, _commands.Locks, log, detail);
        // The health check over https follows (at once when the deploy is up to date): its chain checking warms meanwhile.
        SiteClient.WarmInBackground(options.TrustedRoots ?? []);
        var results = await _lock.TakeAsync(hosts, holder, waitSeconds, takeOver, _commands.ListReleases(), inspect);
        var reports = new Dictionary<SshTarget, string>();
        foreach (var (host, result) in results)
        {
            var (listing, report) = HostScript.SplitAfterReport(result.Stdout);
            HostStates.Remember(host, ReleaseListing.Parse(listing));
            reports[host] = report;
        }

        var refusals = startsInstances
            ? hosts.Select(host => SlotInstances.Refusal(host.Name, HostStates.Known(host)!.Before, SlotInstances.Wanted(options.Site, _commands.Engine))).OfType<string>().ToList()
            : [];
        if (refusals.Count > 0)
        {
            throw new ReleaseException(string.Join("\n", refusals));
        }

        var repair = new LeftoverRepair(_runner, _commands, options.Site);
        await ForEachHost(async host => await repair.RunAsync(await HostStates.GetAsync(host)));
        if (_package is not null && ServingComparison.SameFiles(HostStates.All(), _package) is { } serving)
        {
            Id = serving;
            _reused = true;
        }

        return reports;
    }

    /// <summary>
    /// Whether the deploy has nothing to do: the serving release has the package's files and its instance
    /// runs on every host, the environment file, the maintenance page, the gunicorn units and the nginx
    /// site are what this run would install, and the site answers its health check at once (the release
    /// id, the database answering). Then every later step does nothing; else (and always with
    /// <paramref name="force"/>) a release with the package's files already serving is deployed again rather than made anew.
    /// </summary>
    public async Task<bool> CheckUpToDateAsync(SiteEnvironment environment, bool force)
    {
        UpToDate = !force && _reused
            && ServingComparison.UpToDate(HostStates.All(), Id!, _commands, options.Site, _nginx, environment)
            && (await Task.WhenAll(hosts.Select(host => Probe.WaitForAsync(host, Id!, TimeSpan.Zero, cancellation)))).All(problem => problem is null);
        if (UpToDate)
        {
            log($"Release {Id} is up to date on every host: nothing to deploy (--force deploys it anyway).");
        }
        else if (_reused)
        {
            log($"Release {Id} serves these very files on every host: it is deployed again, no new release is made.");
        }

        return UpToDate;
    }

    /// <summary>Removes a stale lock on every host, whoever holds it.</summary>
    public Task ForceUnlockAsync() => ForEachHost(host => _runner.RunAsync(host, _commands.Locks.ForceUnlock()));

    /// <summary>Each host's complete releases, <c>current</c> and slots.</summary>
    public async Task<IReadOnlyDictionary<string, ReleaseListing>> ListAsync()
    {
        await HostStates.InspectAllAsync();
        return HostStates.Listings();
    }

    /// <summary>Sends the release (only new and changed files cross the wire); nothing when the serving release has its files.</summary>
    public Task UploadAsync() => _reused ? Task.CompletedTask : Installer.UploadAsync();

    /// <summary>Site.Runtime container: the release's directory and its image on every host (and the migrate stamp of <paramref name="database"/> read); nothing when the serving release has its files.</summary>
    public async Task PullImageAsync(string database)
    {
        if (!_reused)
        {
            _migrateState = await Containers.PullAsync(Packaged(), database);
        }
    }

    /// <summary>Links the release to the venv of its requirements (and reads the migrate stamp of <paramref name="database"/>); nothing when the serving release has its files.</summary>
    public async Task InstallRequirementsAsync(string database)
    {
        if (!_reused)
        {
            _migrateState = await Installer.InstallRequirementsAsync(database);
        }
    }

    /// <summary>Writes the environment file (secrets: never logged; its https flags as the host serves, see <see cref="NginxSites.Environment"/>) and the maintenance page, in one round trip; nothing is sent when the host has both already.</summary>
    public Task WriteSettingsAsync(SiteEnvironment environment) => ForEachHost(async host =>
    {
        var before = (await HostStates.GetAsync(host)).Before;
        var files = _commands.Files.SettingsFiles(before, SiteTemplates.EnvironmentFile(options.Site, _nginx.Environment(host, before, environment)), SiteTemplates.MaintenancePage(options.Site));
        if (files.Count > 0)
        {
            await _runner.RunAsync(host, HostScript.Batch("settings files", files));
        }
    });

    /// <summary>
    /// <c>manage.py migrate</c>, once (the hosts share the database), before the cutover; in a container of the
    /// image with Site.Runtime container. Not sent when the stamp read on the first host and the migrations the
    /// database has applied (<paramref name="applied"/>, as SetupDatabase read them) say it would change nothing (see <see cref="MigrationStamp"/>).
    /// </summary>
    public async Task MigrateAsync(SiteEnvironment environment, string? applied)
    {
        if (UpToDate)
        {
            return;
        }

        var key = MigrationStamp.Key(Packaged().Snapshot.Manifest, options.Site.ExtraPackages);
        var address = $"{environment.DatabaseHost}:{environment.DatabasePort}";
        if (MigrationStamp.Unchanged(_migrateState, key, address, applied))
        {
            log($"No migration changed since the last migrate of {environment.DatabaseName}: migrate skipped, nothing sent.");
            return;
        }

        await (RunsContainers
            ? Containers.MigrateAsync(hosts[0], Deployed(), environment.DatabaseName, key, address)
            : _runner.RunAsync(hosts[0], _commands.Install.Migrate(Deployed(), key)));
    }

    /// <summary>collectstatic into the release (in a container of the image with Site.Runtime container), then its completion mark; nothing when the serving release has its files.</summary>
    public Task CollectStaticAsync() => _reused ? Task.CompletedTask : RunsContainers ? Containers.CollectStaticAsync(Packaged()) : Installer.CollectStaticAsync();

    /// <summary>Starts the release in each host's standby gunicorn instance and checks it there (the serving one never stops meanwhile).</summary>
    public Task StartStandbyAsync(string? id = null) => UpToDate ? Task.CompletedTask : AllHosts.StartStandbyAsync(id ?? Deployed());

    /// <summary>
    /// On every host, in one round trip: <c>current</c> moved to the release (atomically: a new link, then <c>mv -T</c>) and nginx
    /// pointed at the standby instance (rendered config, <c>nginx -t</c>, graceful reload); when nginx refuses the config, its previous one is back and the cutover is undone.
    /// </summary>
    public Task ReloadNginxAsync(string? id = null) => UpToDate ? Task.CompletedTask : AllHosts.ServeAsync(id ?? Deployed());

    /// <summary>Checks the site through each host's nginx; all serve the release (the cutover is confirmed), or all go back.</summary>
    public async Task HealthCheckAsync(string? id = null)
    {
        if (!UpToDate)
        {
            id ??= Deployed();
            await AllHosts.HealthCheckAsync(id);
            _confirmed = id;
        }
    }

    /// <summary>The cutover one batch of hosts at a time behind <paramref name="balancer"/>, in place of the cutover steps on every host at once (see <see cref="RollingCutover"/>).</summary>
    public async Task RollAsync(ILoadBalancer balancer, RollOptions roll)
    {
        var id = Deployed();
        await new RollingCutover(balancer, HostStates, host => Cutover.StartStandbyAsync(host, id, warm: true), host => Cutover.ServeStandbyAsync(host, id, Probe), UndoAllAsync, log, cancellation).RunAsync(id, roll);
        _confirmed = id;
    }

    /// <summary>Ends a successful run on each host in one round trip: stops the instance the cutover retired and releases this run's lock.</summary>
    public async Task FinishAsync()
    {
        if (_lock is not null)
        {
            await _lock.ReleaseAsync(hosts, StopRetired);
        }
    }

    /// <summary>
    /// Ends a run that failed or was stopped: undoes an unfinished cutover on every host, deletes this run's release unless it serves,
    /// and releases the lock; after a confirmed cutover (a later step failed) the retired instance is stopped with it, as a finished run's.
    /// </summary>
    public async Task AbandonAsync()
    {
        if (_lock is { Held: true })
        {
            await UndoAllAsync();
            await _lock.ReleaseAsync(hosts, StopRetired);
        }
    }

    /// <summary>The command stopping the host's retired instance, sent with the lock's release; none when the cutover retired none.</summary>
    private IReadOnlyList<RemoteCommand> StopRetired(SshTarget host)
    {
        var state = HostStates.Known(host);
        if (state?.Retired is not int old)
        {
            return [];
        }

        state.RetiredStopped();
        return [_commands.Cutover.StopSlot(old)];
    }

    /// <summary>
    /// Deletes old releases beyond <see cref="SiteSettings.KeepReleases"/>; never the serving one, the one before it, nor one a gunicorn instance runs.
    /// After this run's cutover the host's listing is known without asking (the one read under the
    /// lock, plus the release now current and in the standby slot); a host with nothing to delete gets no command.
    /// </summary>
    public Task CleanupAsync() => UpToDate ? Task.CompletedTask : ForEachHost(async host =>
    {
        var state = HostStates.Known(host);
        var listing = _confirmed is { } id && state is not null
            ? state.Before.AfterCutover(id, state.Standby)
            : ReleaseListing.Parse((await _runner.RunAsync(host, _commands.ListReleases())).Stdout);
        var remove = ReleaseRetention.ToRemove(listing, options.Site.KeepReleases);
        if (remove.Count > 0)
        {
            await _runner.RunAsync(host, _commands.RemoveReleases(remove));
        }
    });

    /// <summary>Which release a rollback goes to on every host: <paramref name="requested"/>, or the one before the serving one; refused before anything changes when a host lacks it.</summary>
    public async Task<string> ChooseRollbackAsync(string? requested)
    {
        await HostStates.InspectAllAsync();
        Id = RollbackTarget.Choose(HostStates.Listings(), requested);
        return Id;
    }

    public Task MaintenanceAsync(bool on) => ForEachHost(host => _runner.RunAsync(host, HostScript.Batch(on ? "maintenance on" : "maintenance off",
        [_commands.Files.InstallMaintenancePage(SiteTemplates.MaintenancePage(options.Site)), on ? _commands.Files.MaintenanceOn() : _commands.Files.MaintenanceOff()])));

    /// <summary>Undoes the cutover on every host that took a step of it and is not confirmed.</summary>
    private Task UndoAllAsync() => AllHosts.UndoAllAsync();

    /// <summary>The release this deploy serves: the packaged one, or the serving one with the same files.</summary>
    private string Deployed() => Id ?? Packaged().Id;

    private ReleasePackage Packaged() =>
        _package ?? throw new InvalidOperationException("The release is not packaged yet: PackageRelease runs first.");

    /// <summary>
    /// The certificate the host held when this run took the lock, when it needed no request then (for the site's
    /// names, not expiring within 30 days): under the lock nothing else issues one. Null: the host is asked.
    /// </summary>
    public Tls.CertificateLine? CertificateUnderLock(SshTarget host) =>
        HostStates.Known(host)?.Before is { Certificate: { } certificate, CertificateDue: null } ? certificate : null;

    /// <summary>Whether the host's nginx serves (or is to serve) https: it holds the certificate, or this run just moved it there.</summary>
    public bool ServesTls(SshTarget host) => HostStates.Known(host) is { } state && _nginx.ServesTls(host, state.Before);

    /// <summary>The release this run deploys, or else the one serving on the first host.</summary>
    public async Task<string> ServingIdAsync() =>
        Id ?? (await HostStates.GetAsync(hosts[0])).Before.Current ?? throw new InvalidOperationException("No release serves on " + hosts[0].Name);

    /// <summary>Moves a host that now holds the certificate to https (see <see cref="HttpsMove"/>).</summary>
    public async Task ServeTlsAsync(SshTarget host)
    {
        var state = await HostStates.GetAsync(host);
        await new HttpsMove(_runner, _commands, _nginx, Probe, options.HealthCheckTimeout).RunAsync(state, Id ?? state.Before.Current ?? throw new InvalidOperationException("No release serves on " + host.Name));
    }

    private Task ForEachHost(Func<SshTarget, Task> step) => Task.WhenAll(hosts.Select(step));
}
