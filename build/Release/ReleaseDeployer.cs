using System.Diagnostics;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Release;

/// <summary>What a release deploy needs besides the hosts: the site, where its sources and the manifest cache are, the health check's bound.</summary>
/// <param name="ManifestCache">A local folder keeping each host's manifests of the releases it was sent, so that the serving release's manifest need not cross the wire again.</param>
/// <param name="NginxTemplate">The nginx site template's text, when not the embedded one.</param>
/// <param name="Tls">How the site gets its certificate (none: http only).</param>
/// <param name="TrustedRoots">PEM files of the only roots the health check over https trusts (the sandbox's test CA); none: the system's.</param>
public sealed record ReleaseOptions(SiteSettings Site, string SiteDirectory, string ManifestCache, TimeSpan HealthCheckTimeout, string? NginxTemplate = null, TlsSettings? Tls = null, IReadOnlyList<string>? TrustedRoots = null)
{
    public TlsSettings TlsOrOff => Tls ?? new TlsSettings { Mode = TlsMode.Off };
}

/// <summary>
/// The release deploy on a set of web hosts, step by step (the tasks call one step each), every step
/// on all hosts at once over the run's executor. The cutover is blue/green: the new release starts
/// in the gunicorn instance that is not serving, is checked directly, then <c>current</c> and nginx
/// move to it (a graceful reload), the site is checked through nginx, and only then the old instance stops.
/// </summary>
/// <param name="log">Information: what each step did.</param>
/// <param name="detail">Each command and whether it changed something (verbose).</param>
/// <param name="recorder">Where each command's outcome is recorded, per host, for the task's line and the run's recap.</param>
public sealed class ReleaseDeployer(IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts, ReleaseOptions options, Action<string> log, Action<string> detail, RunRecorder? recorder = null)
{
    private readonly ReleaseCommands _commands = new(new ReleasePaths(options.Site.Root, options.Site.Name), CertificateChain(options));
    private readonly Dictionary<string, HostRelease> _state = [];
    private readonly List<SshTarget> _locked = [];
    private readonly Dictionary<string, int> _retiredSlots = [];
    private readonly HashSet<string> _servingTls = [];
    private DeployLockHolder? _holder;
    private SiteSnapshot? _snapshot;
    private DateTimeOffset _madeAt;
    private string? _switchedTo;

    public IReadOnlyList<SshTarget> Hosts => hosts;

    /// <summary>The release this run deploys (or rolls back to).</summary>
    public string? Id { get; private set; }

    /// <summary>Where the site answers: https://Site.Domain/ (http:// with Tls.Mode off).</summary>
    public string SiteUrl => $"{(options.TlsOrOff.Mode == TlsMode.Off ? "http" : "https")}://{options.Site.Domain}/";

    /// <summary>Takes a snapshot of the site directory and names the release; nothing reaches a host.</summary>
    public string Package(DateTimeOffset madeAt)
    {
        _snapshot = SiteSnapshot.Take(options.SiteDirectory);
        _madeAt = madeAt;
        Id = ReleaseId.Create(madeAt, _snapshot.Manifest);
        log($"Release {Id}: {_snapshot.Manifest.Entries.Count} files from {_snapshot.Directory}.");
        return Id;
    }

    /// <summary>Takes the deploy lock on every host (an atomic mkdir there), waiting up to <paramref name="waitSeconds"/>; a refusal names the holder and leaves no lock of this run behind.</summary>
    public async Task LockAsync(DeployLockHolder holder, int waitSeconds)
    {
        _holder = holder;
        try
        {
            await ForEachHost(async host =>
            {
                // The host's state is read under the lock, in the same round trip.
                var result = await RunAsync(host, ReleaseCommands.Batch("take deploy lock and list releases", [_commands.Lock(holder, waitSeconds), _commands.ListReleases()]));
                lock (_locked)
                {
                    _locked.Add(host);
                }

                Remember(host, ReleaseListing.Parse(result.Stdout));
            });
        }
        catch (RemoteCommandException exception) when (exception.ExitCode == 75)
        {
            await UnlockAsync();
            throw new ReleaseException($"{exception.Host}: {exception.Stderr.Trim()}");
        }
    }

    /// <summary>Releases the locks this run took (a lock of another run is left alone).</summary>
    public async Task UnlockAsync()
    {
        if (_holder is null)
        {
            return;
        }

        SshTarget[] locked;
        lock (_locked)
        {
            locked = [.. _locked];
            _locked.Clear();
        }

        await Task.WhenAll(locked.Select(host => RunAsync(host, _commands.Unlock(_holder))));
    }

    public bool HoldsLock
    {
        get
        {
            lock (_locked)
            {
                return _locked.Count > 0;
            }
        }
    }

    /// <summary>Removes a stale lock on every host, whoever holds it.</summary>
    public Task ForceUnlockAsync() => ForEachHost(host => RunAsync(host, _commands.ForceUnlock()));

    /// <summary>Each host's releases, <c>current</c> and slots.</summary>
    public async Task<IReadOnlyDictionary<string, ReleaseListing>> ListAsync()
    {
        await InspectAsync();
        return _state.ToDictionary(s => s.Key, s => s.Value.Before);
    }

    /// <summary>
    /// Sends the release: on each host, the files unchanged since the serving release are hard-linked
    /// from it, only new and changed files cross the wire (one tar stream), and the manifest is verified there.
    /// </summary>
    public async Task UploadAsync()
    {
        var (snapshot, id) = Packaged();
        await ForEachHost(async host =>
        {
            var state = await StateAsync(host);
            var previousId = state.Before.Current;
            var previous = previousId is null ? null : await PreviousManifestAsync(host, previousId);
            var diff = snapshot.Manifest.CompareWith(previous);
            await RunAsync(
                host,
                _commands.Upload(id, previousId, diff, snapshot.Manifest.ContentHash(), s => ReleaseTar.Write(s, snapshot, id, diff, _madeAt)),
                $"{diff.ToSend.Count} file(s) sent, {diff.Unchanged.Count} linked from {previousId ?? "no previous release"}");

            SaveManifest(host, id, snapshot.Manifest);
        });
    }

    /// <summary>Links the release to the venv of its requirements, made only when the requirements (or Python) changed.</summary>
    public Task InstallRequirementsAsync()
    {
        var (snapshot, id) = Packaged();
        return ForEachHost(host => RunAsync(host, _commands.InstallRequirements(id, snapshot.Manifest.Find("requirements.txt")?.Sha256)));
    }

    /// <summary>Writes the environment file (secrets: never logged) and the maintenance page, in one round trip; nothing is sent when the host has both already.</summary>
    public Task WriteSettingsAsync(SiteEnvironment environment) => ForEachHost(async host =>
    {
        var files = _commands.SettingsFiles((await StateAsync(host)).Before, SiteTemplates.EnvironmentFile(options.Site, environment), SiteTemplates.MaintenancePage(options.Site));
        if (files.Count > 0)
        {
            await RunAsync(host, ReleaseCommands.Batch("settings files", files));
        }
    });

    /// <summary><c>manage.py migrate</c>, once (the hosts share the database), before the cutover.</summary>
    public Task MigrateAsync() => RunAsync(hosts[0], _commands.Migrate(Packaged().Id));

    /// <summary><c>manage.py collectstatic</c> into the release, on every host, before the cutover.</summary>
    /// <summary>When no static source and no venv changed since the serving release, its collected files are hard-linked instead.</summary>
    public Task CollectStaticAsync() => ForEachHost(async host =>
        await RunAsync(host, _commands.CollectStatic(Packaged().Id, (await StateAsync(host)).Before.Current)));

    /// <summary>
    /// Starts <paramref name="id"/> in each host's standby gunicorn instance (units and sockets installed
    /// first) and checks it answers with its id there. When it does not, the standby is stopped and
    /// pointed back, the serving release never stopped serving, and the step fails with gunicorn's journal.
    /// </summary>
    public Task StartStandbyAsync(string? id = null)
    {
        id ??= Packaged().Id;
        return ForEachHost(async host =>
        {
            var state = await StateAsync(host);
            var prepare = _commands.GunicornUnits(state.Before, SiteTemplates.GunicornSocket(options.Site), SiteTemplates.GunicornService(options.Site, _commands.Paths));
            // One round trip: the units (only when the host lacks them), the sockets, the slot, the start and the check.
            var start = ReleaseCommands.Batch($"start {id} on gunicorn {state.Standby}",
            [
                .. prepare,
                _commands.EnableSockets(GunicornSlots.Ports(options.Site)),
                _commands.PointSlot(state.Standby, id),
                _commands.RestartSlot(state.Standby),
                _commands.CheckSlot(state.Standby, id, options.Site.Domain, (int)options.HealthCheckTimeout.TotalSeconds),
            ]);
            try
            {
                await RunAsync(host, start);
            }
            catch (RemoteCommandException exception)
            {
                await RunAsync(host, _commands.StopSlot(state.Standby));
                if (state.Before.Slots.TryGetValue(state.Standby, out var before) && state.Before.Releases.Contains(before))
                {
                    await RunAsync(host, _commands.PointSlot(state.Standby, before));
                }

                await DiscardFailedAsync(host, id);

                throw new ReleaseException(
                    $"{host.Name}: release {id} failed its health check on its own gunicorn instance (127.0.0.1:{state.Standby}) and was rolled back before it served any request; "
                    + $"{(state.Before.Current is null ? "nothing was serving before it" : $"release {state.Before.Current} keeps serving")}.{Environment.NewLine}{exception.Stderr.Trim()}");
            }
        });
    }

    /// <summary>Moves <c>current</c> to <paramref name="id"/> on every host (atomically: a new link, then <c>mv -T</c>).</summary>
    public async Task SwitchAsync(string? id = null)
    {
        id ??= Packaged().Id;
        _switchedTo = null;
        await ForEachHost(host => RunAsync(host, _commands.SwitchCurrent(id)));
        _switchedTo = id;
    }

    /// <summary>
    /// Points nginx at the standby instance (rendered config, <c>nginx -t</c>, graceful reload). When
    /// nginx refuses the config, its previous one is back, <c>current</c> goes back, the standby stops,
    /// and the step fails with nginx's message.
    /// </summary>
    public Task ReloadNginxAsync() => ForEachHost(async host =>
    {
        var state = await StateAsync(host);
        try
        {
            await RunAsync(host, ReleaseCommands.Batch("nginx site and serving slot",
                [_commands.InstallNginxSite(NginxSite(host, state, state.Standby)), _commands.MarkServingSlot(state.Standby)]));
        }
        catch (Exception exception) when (exception is RemoteCommandException or InvalidOperationException)
        {
            await UndoSwitchAsync(host, state);
            await DiscardFailedAsync(host, Id!);
            var reason = exception is RemoteCommandException remote ? remote.Stderr.Trim() : exception.Message;
            throw new ReleaseException($"{host.Name}: {reason}{Environment.NewLine}The site keeps serving {state.Before.Current ?? "nothing (first deploy)"}.");
        }
    });

    /// <summary>
    /// Asks each host's nginx for /health/ with the site's Host header until <paramref name="id"/>
    /// answers 200, within the timeout. Then the old instance stops. When it does not answer, every
    /// host goes back to the previous release (link, nginx, old instance) and the step fails saying so.
    /// </summary>
    public async Task HealthCheckAsync(string? id = null)
    {
        id ??= Packaged().Id;
        var failures = new List<string>();
        await ForEachHost(async host =>
        {
            var problem = await WaitForReleaseAsync(host, id);
            if (problem is not null)
            {
                lock (failures)
                {
                    failures.Add($"{host.Name}: {problem}");
                }
            }
        });

        if (failures.Count > 0)
        {
            await ForEachHost(async host =>
            {
                var state = await StateAsync(host);
                await UndoSwitchAsync(host, state);
                if (state.Before.ServingSlot is int serving && state.Before.Current is not null)
                {
                    await RunAsync(host, _commands.InstallNginxSite(NginxSite(host, state, serving)));
                    await RunAsync(host, _commands.MarkServingSlot(serving));
                }

                await DiscardFailedAsync(host, id);
            });
            var previous = _state.Values.Select(s => s.Before.Current).FirstOrDefault(c => c is not null);
            throw new ReleaseException(
                $"Release {id} failed its health check through nginx ({string.Join("; ", failures)}); rolled back automatically: "
                + (previous is null ? "there was no previous release to go back to." : $"release {previous} serves again."));
        }

        // The old instance stops when the run finishes (FinishAsync), in the same round trip as the unlock.
        await ForEachHost(async host =>
        {
            var state = await StateAsync(host);
            if (state.Before.ServingSlot is int old && old != state.Standby)
            {
                lock (_retiredSlots)
                {
                    _retiredSlots[host.Name] = old;
                }
            }
        });
    }

    /// <summary>Ends a successful run on each host in one round trip: stops the instance the cutover retired and releases this run's lock.</summary>
    public Task FinishAsync() => ForEachHost(async host =>
    {
        var steps = new List<RemoteCommand>();
        lock (_retiredSlots)
        {
            if (_retiredSlots.Remove(host.Name, out var old))
            {
                steps.Add(_commands.StopSlot(old));
            }
        }

        lock (_locked)
        {
            if (_holder is not null && _locked.Remove(host))
            {
                steps.Add(_commands.Unlock(_holder));
            }
        }

        if (steps.Count > 0)
        {
            await RunAsync(host, ReleaseCommands.Batch("finish the deploy", steps));
        }
    });

    /// <summary>
    /// Deletes old releases beyond <see cref="SiteSettings.KeepReleases"/>; never the serving one, the one before it, nor one a gunicorn instance runs.
    /// After this run's cutover the host's listing is known without asking (the one read under the
    /// lock, plus the release now current and in the standby slot); a host with nothing to delete gets no command.
    /// </summary>
    public Task CleanupAsync() => ForEachHost(async host =>
    {
        HostRelease? state;
        lock (_state)
        {
            state = _state.GetValueOrDefault(host.Name);
        }

        var listing = _switchedTo is { } id && state is not null
            ? state.Before.AfterCutover(id, state.Standby)
            : ReleaseListing.Parse((await RunAsync(host, _commands.ListReleases())).Stdout);
        var remove = ReleaseRetention.ToRemove(listing, options.Site.KeepReleases);
        if (remove.Count > 0)
        {
            await RunAsync(host, _commands.RemoveReleases(remove));
        }
    });

    /// <summary>Which release a rollback goes to on every host: <paramref name="requested"/>, or the one before the serving one; refused before anything changes when a host lacks it.</summary>
    public async Task<string> ChooseRollbackAsync(string? requested)
    {
        await InspectAsync();
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, state) in _state)
        {
            var target = requested is null ? state.Before.Previous : ReleaseId.Require(requested);
            if (target is null)
            {
                throw new ReleaseException($"{name}: there is no release before {state.Before.Current ?? "(none serving)"} to roll back to; the Releases target lists them.");
            }

            if (!state.Before.Releases.Contains(target))
            {
                throw new ReleaseException($"{name}: there is no release {target}; the Releases target lists them.");
            }

            if (target == state.Before.Current)
            {
                throw new ReleaseException($"{name}: release {target} is already serving.");
            }

            targets.Add(target);
        }

        if (targets.Count != 1)
        {
            throw new ReleaseException($"The hosts' previous releases differ ({string.Join(", ", targets)}); name one with --release=ID.");
        }

        Id = targets.Single();
        return Id;
    }

    public Task MaintenanceAsync(bool on) => ForEachHost(host => RunAsync(host, ReleaseCommands.Batch(on ? "maintenance on" : "maintenance off",
        [_commands.InstallMaintenancePage(SiteTemplates.MaintenancePage(options.Site)), on ? _commands.MaintenanceOn() : _commands.MaintenanceOff()])));

    private async Task<string?> WaitForReleaseAsync(SshTarget host, string id)
    {
        // Over https once the host serves it: the chain and the name are checked, as a browser would.
        var url = $"{(ServesTls(host) ? "https" : "http")}://{options.Site.Domain}/health/";
        using var http = SiteClient.For(host.Address, options.TrustedRoots ?? [], TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        string last;
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var answer = await http.SendAsync(request);
                var body = (await answer.Content.ReadAsStringAsync()).Trim();
                if (answer.IsSuccessStatusCode && body == id)
                {
                    return null;
                }

                last = $"answered {(int)answer.StatusCode} with '{(body.Length > 200 ? body[..200] : body)}'";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = "did not answer: " + exception.Message;
            }

            if (clock.Elapsed >= options.HealthCheckTimeout)
            {
                return $"{url} on {host.Address} {last} instead of 200 with {id}, after {options.HealthCheckTimeout.TotalSeconds:0} s";
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Back to how the host was: <c>current</c> on the previous release (if any), the standby stopped.</summary>
    private async Task UndoSwitchAsync(SshTarget host, HostRelease state)
    {
        _switchedTo = null;
        if (state.Before.Current is not null)
        {
            await RunAsync(host, _commands.SwitchCurrent(state.Before.Current));
        }

        if (state.Before.ServingSlot != state.Standby)
        {
            await RunAsync(host, _commands.StopSlot(state.Standby));
        }
    }

    /// <summary>
    /// Deletes a release this run uploaded and that failed before serving, so that it never becomes a
    /// rollback target; a release a rollback went back to is an old one and stays.
    /// </summary>
    private async Task DiscardFailedAsync(SshTarget host, string id)
    {
        if (_snapshot is not null && id == Id && !_state[host.Name].Before.Releases.Contains(id))
        {
            var state = _state[host.Name];
            if (state.Before.Slots.GetValueOrDefault(state.Standby) is { } before && before != id)
            {
                await RunAsync(host, _commands.PointSlot(state.Standby, before));
            }

            await RunAsync(host, _commands.RemoveReleases([id]));
        }
    }

    private async Task<ReleaseManifest?> PreviousManifestAsync(SshTarget host, string previousId)
    {
        var cached = ManifestFile(host, previousId);
        if (File.Exists(cached))
        {
            var manifest = ReleaseManifest.Parse(await File.ReadAllTextAsync(cached));
            if (previousId.EndsWith("-" + manifest.ContentHash()[..ReleaseId.HashLength], StringComparison.Ordinal))
            {
                return manifest;
            }
        }

        var text = (await RunAsync(host, _commands.ReadManifest(previousId))).Stdout;
        var fromHost = ReleaseManifest.Parse(text[..text.TrimEnd().LastIndexOf('\n')]);
        SaveManifest(host, previousId, fromHost);
        return fromHost;
    }

    private void SaveManifest(SshTarget host, string id, ReleaseManifest manifest)
    {
        var file = ManifestFile(host, id);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, manifest.ToText());
    }

    private string ManifestFile(SshTarget host, string id) =>
        Path.Combine(options.ManifestCache, options.Site.Name, host.Name, id + ".manifest");

    private Task InspectAsync() => ForEachHost(InspectAsync);

    private async Task InspectAsync(SshTarget host) =>
        Remember(host, ReleaseListing.Parse((await RunAsync(host, _commands.ListReleases())).Stdout));

    private void Remember(SshTarget host, ReleaseListing listing)
    {
        lock (_state)
        {
            _state[host.Name] = new HostRelease(listing, GunicornSlots.Standby(options.Site, listing.ServingSlot));
        }
    }

    private async Task<HostRelease> StateAsync(SshTarget host)
    {
        bool known;
        lock (_state)
        {
            known = _state.ContainsKey(host.Name);
        }

        if (!known)
        {
            await InspectAsync(host);
        }

        return _state[host.Name];
    }

    private (SiteSnapshot Snapshot, string Id) Packaged() =>
        _snapshot is not null && Id is not null
            ? (_snapshot, Id)
            : throw new InvalidOperationException("The release is not packaged yet: PackageRelease runs first.");

    /// <param name="note">What the recorded item adds to the command's summary (the upload's file counts).</param>
    private async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, string note = "")
    {
        var clock = Stopwatch.StartNew();
        CommandResult result;
        try
        {
            result = await executor.RunAsync(host, command);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Record(host, command, ItemStatus.Failed, clock.Elapsed, exception.Message);
            throw;
        }

        var changed = RemoteCommand.ReportsChange(result.Stdout);
        detail($"{host.Name}: {command.Summary}: {(changed ? RemoteCommand.Changed : RemoteCommand.Ok)}{(note.Length > 0 ? $" ({note})" : "")}");
        Record(host, command, changed ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, changed ? note : "");
        return result;
    }

    private void Record(SshTarget host, RemoteCommand command, ItemStatus status, TimeSpan duration, string note) =>
        recorder?.Record(new ItemRecord(recorder.CurrentTask ?? "release", host.Name, command.Summary, status, duration, note));

    private Task ForEachHost(Func<SshTarget, Task> step) => Task.WhenAll(hosts.Select(step));

    private static string? CertificateChain(ReleaseOptions options) =>
        options.TlsOrOff.Mode == TlsMode.Off ? null : new TlsPaths(new ReleasePaths(options.Site.Root, options.Site.Name), options.TlsOrOff.Mode).Chain;

    /// <summary>Whether the host's nginx serves (or is to serve) https: it holds the certificate.</summary>
    public bool ServesTls(SshTarget host)
    {
        lock (_servingTls)
        {
            return _servingTls.Contains(host.Name) || CertificateChain(options) is { } chain && _state.TryGetValue(host.Name, out var state) && state.Before.Files.ContainsKey(chain);
        }
    }

    /// <summary>
    /// Moves a host that now holds the certificate to https (nginx -t first: a refused config leaves it
    /// serving as before), reloads nginx for a renewed one, and checks the serving release answers over https.
    /// </summary>
    public async Task ServeTlsAsync(SshTarget host)
    {
        var state = await StateAsync(host);
        lock (_servingTls)
        {
            _servingTls.Add(host.Name);
        }

        await RunAsync(host, _commands.InstallNginxSite(NginxSite(host, state, state.Standby)));
        var problem = await WaitForReleaseAsync(host, Id ?? state.Before.Current ?? throw new InvalidOperationException("No release serves on " + host.Name));
        if (problem is not null)
        {
            throw new ReleaseException($"{host.Name}: the site does not answer over https: {problem}");
        }
    }

    /// <summary>The site's nginx config for a host: https once the host holds the certificate.</summary>
    private string NginxSite(SshTarget host, HostRelease state, int port) =>
        SiteTemplates.NginxSite(options.Site, options.TlsOrOff, _commands.Paths, port, ServesTls(host), options.NginxTemplate);

    /// <summary>A host's state before the cutover: what it served, and the instance the new release starts in.</summary>
    private sealed record HostRelease(ReleaseListing Before, int Standby);
}
