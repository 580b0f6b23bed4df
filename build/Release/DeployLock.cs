using System.Diagnostics;
using System.Text;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The run's deploy lock on the web hosts, from taking it to releasing it: every path that releases
/// it goes through <see cref="ReleaseAsync"/>. While held, the holder file is refreshed every
/// <see cref="RefreshEvery"/>, so that a lock whose run died can be told apart and taken over.
/// </summary>
public sealed class DeployLock(ReleaseRunner runner, DeployLockCommands commands, Action<string> log, Action<string> detail)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(10);

    /// <summary>A lock of another machine not refreshed for this long belongs to a run that is gone.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(45);

    private readonly HashSet<SshTarget> _held = [];
    private DeployLockHolder? _holder;
    private CancellationTokenSource? _refreshing;
    private Task _refresh = Task.CompletedTask;

    public bool Held
    {
        get { lock (_held) { return _held.Count > 0; } }
    }

    /// <summary>
    /// Takes the lock on every host, running <paramref name="underLock"/> in the same round trip (the
    /// host's state read under the lock), then <paramref name="report"/> when given (its output after the
    /// line <see cref="HostScript.SplitAfterReport"/> splits at); waits up to <paramref name="waitSeconds"/> for another run.
    /// A lock whose run is dead is taken over when <paramref name="takeOver"/> says so, and the output
    /// says whose it was. A refusal names the holder and leaves no lock of this run behind.
    /// </summary>
    public async Task<IReadOnlyDictionary<SshTarget, CommandResult>> TakeAsync(IReadOnlyList<SshTarget> hosts, DeployLockHolder holder, int waitSeconds, bool takeOver, RemoteCommand underLock, RemoteCommand? report = null)
    {
        _holder = holder;
        var results = new Dictionary<SshTarget, CommandResult>();
        try
        {
            await Task.WhenAll(hosts.Select(async host =>
            {
                // Counted as held before the answer: a take whose answer is lost may have taken it.
                lock (_held)
                {
                    _held.Add(host);
                }

                try
                {
                    var result = await TakeOnAsync(host, holder, waitSeconds, takeOver, underLock, report);
                    lock (_held)
                    {
                        results[host] = result;
                    }
                }
                catch (ReleaseException)
                {
                    lock (_held)
                    {
                        _held.Remove(host);
                    }

                    throw;
                }
            }));
        }
        catch
        {
            try
            {
                await ReleaseAsync(hosts, _ => []);
            }
            catch (Exception exception)
            {
                log($"Could not release the deploy lock after the refusal: {exception.Message.Split('\n')[0]}");
            }

            throw;
        }

        _refreshing = new CancellationTokenSource();
        _refresh = RefreshAsync(_refreshing.Token);
        return results;
    }

    /// <summary>
    /// Releases the lock on each of <paramref name="hosts"/> this run holds it on, with <paramref name="alongside"/>
    /// that host's last commands in the same round trip; a lock of another run is left alone. A host whose
    /// release fails still counts as held, so that the run's end tries again.
    /// </summary>
    public async Task ReleaseAsync(IEnumerable<SshTarget> hosts, Func<SshTarget, IReadOnlyList<RemoteCommand>> alongside)
    {
        await StopRefreshingAsync();
        await Task.WhenAll(hosts.Select(async host =>
        {
            var steps = alongside(host).ToList();
            bool held;
            lock (_held)
            {
                held = _holder is not null && _held.Contains(host);
            }

            if (held)
            {
                steps.Add(commands.Unlock(_holder!));
            }

            if (steps.Count > 0)
            {
                await runner.RunAsync(host, HostScript.Batch("finish the run", steps), cancellable: false);
            }

            lock (_held)
            {
                _held.Remove(host);
            }
        }));
    }

    private async Task<CommandResult> TakeOnAsync(SshTarget host, DeployLockHolder holder, int waitSeconds, bool takeOver, RemoteCommand underLock, RemoteCommand? report)
    {
        var title = $"take deploy lock and {underLock.Summary}";
        var take = report is null
            ? HostScript.Batch(title, [commands.Lock(holder, waitSeconds), underLock])
            : HostScript.WithReport($"{title}, {report.Summary}", [commands.Lock(holder, waitSeconds), underLock], report);
        try
        {
            return await runner.RunAsync(host, take);
        }
        catch (RemoteCommandException refused) when (refused.ExitCode == DeployLockCommands.Refused)
        {
            var (record, age) = ReadRefusal(refused.Stderr);
            var other = record is null ? null : DeployLockHolder.Parse(record);
            var dead = other is null ? null : WhyDead(other, age);
            if (!takeOver || dead is null)
            {
                var hint = takeOver ? " It is not known to be dead (the run may be alive), so it was not taken over." : "";
                throw new ReleaseException($"{host.Name}: {refused.Stderr.Split('\n')[0].Trim()}.{hint}");
            }

            await runner.RunAsync(host, commands.TakeOver(record!));
            log($"{host.Name}: took over the deploy lock of a dead run ({other!.Describe()}): {dead}.");
            return await runner.RunAsync(host, take);
        }
    }

    /// <summary>Why the run holding a lock is dead, or null when it may be alive (or the lock is held on purpose): its process is gone from this machine, or it has not refreshed its lock for <see cref="StaleAfter"/>.</summary>
    private static string? WhyDead(DeployLockHolder holder, TimeSpan? age)
    {
        if (holder.Message is not null)
        {
            return null; // held on purpose (Lock --message) until someone runs Unlock
        }

        if (holder.Host == Environment.MachineName)
        {
            return ProcessLives(holder.Process) ? null : $"process {holder.Process} no longer runs on this machine";
        }

        return age >= StaleAfter ? $"it has not refreshed its lock for {age.Value.TotalSeconds:0} s" : null;
    }

    private static bool ProcessLives(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static (string? Record, TimeSpan? Age) ReadRefusal(string stderr)
    {
        string? record = null;
        TimeSpan? age = null;
        foreach (var line in stderr.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(DeployLockCommands.RecordLine, StringComparison.Ordinal))
            {
                record = Encoding.UTF8.GetString(Convert.FromBase64String(line[DeployLockCommands.RecordLine.Length..])).TrimEnd('\n');
            }
            else if (line.StartsWith(DeployLockCommands.AgeLine, StringComparison.Ordinal) && int.TryParse(line[DeployLockCommands.AgeLine.Length..], out var seconds))
            {
                age = TimeSpan.FromSeconds(seconds);
            }
        }

        return (record, age);
    }

    private async Task RefreshAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                SshTarget[] held;
                lock (_held)
                {
                    held = [.. _held];
                }

                foreach (var host in held)
                {
                    try
                    {
                        await runner.RunAsync(host, commands.Refresh(_holder!), cancellable: false);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        detail($"{host.Name}: could not refresh the deploy lock: {exception.Message.Split('\n')[0]}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released: refreshing ends.
        }
    }

    private async Task StopRefreshingAsync()
    {
        if (_refreshing is null)
        {
            return;
        }

        await _refreshing.CancelAsync();
        await _refresh;
        _refreshing.Dispose();
        _refreshing = null;
    }
}
