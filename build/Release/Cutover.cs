using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The blue/green cutover on one host, step by step, and its undo. Each step is marked on the host's
/// <see cref="HostRelease"/> before its command is sent (an answer lost to a dropped connection, a
/// timeout or a cancellation may hide a command that ran), so the undo reverses whatever may have
/// happened; every undo command is idempotent.
/// </summary>
/// <param name="undoRetries">How long an undo waits after each failed try before the next (a connection coming back); about 20 s in all unless a test says otherwise.</param>
public sealed class Cutover(ReleaseRunner runner, ReleaseCommands commands, SiteSettings site, TimeSpan healthCheckTimeout, NginxSites nginx, Action<string> log, IReadOnlyList<TimeSpan>? undoRetries = null)
{
    private SlotUnits Slots => new(site, commands);

    private readonly IReadOnlyList<TimeSpan> _undoRetries = undoRetries ?? [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10)];

    /// <summary>
    /// In one round trip: the slot units (only when the host lacks them), gunicorn's sockets, the standby
    /// slot pointed at <paramref name="id"/>, its restart, and the check that it answers with its id there;
    /// with <paramref name="warm"/>, every worker then asked at once, twice over (a rolling deploy: the
    /// load balancer's first requests to the host should not load the site's views).
    /// </summary>
    public Task StartStandbyAsync(HostRelease host, string id, bool warm = false)
    {
        var units = Slots.Prepare(host.Before);
        host.Begin(CutoverSteps.Standby);
        return runner.RunAsync(host.Host, HostScript.Batch($"start {id} on gunicorn {host.Standby}",
        [
            .. units,
            commands.Cutover.PointSlot(host.Standby, id),
            commands.Cutover.RestartSlot(host.Standby),
            commands.Cutover.CheckSlot(host.Standby, id, site.Domain, (int)healthCheckTimeout.TotalSeconds, warm ? site.Workers * 2 : 0),
        ]));
    }

    /// <summary>
    /// In one round trip: <c>current</c> moved to <paramref name="id"/> (atomically: a new link, then <c>mv -T</c>) and nginx
    /// pointed at the standby instance (the serving site kept for the undo, rendered config, <c>nginx -t</c>, graceful
    /// reload), marked serving. Both steps are marked before the script is sent: the undo reverses either.
    /// </summary>
    public Task ServeAsync(HostRelease host, string id)
    {
        var config = nginx.For(host.Host, host.Before, host.Standby);
        host.Begin(CutoverSteps.Current | CutoverSteps.Nginx);
        return runner.RunAsync(host.Host, HostScript.Batch($"switch current to {id}, nginx site and serving slot",
            [commands.Cutover.SwitchCurrent(id), commands.Cutover.SaveNginxSite(), commands.Cutover.InstallNginxSite(config), .. Slots.Serve(host.Standby)]));
    }

    /// <summary>
    /// The rest of one host's cutover after <see cref="StartStandbyAsync"/> (warmed there), as a rolling deploy makes it:
    /// <c>current</c> moved and nginx pointed at the standby (<see cref="ServeAsync"/>), then the site asked through nginx.
    /// </summary>
    public async Task ServeStandbyAsync(HostRelease host, string id, IHealthProbe probe)
    {
        await ServeAsync(host, id);
        if (await probe.WaitForAsync(host.Host, id, healthCheckTimeout, runner.Cancellation) is { } problem)
        {
            throw new ReleaseException($"{host.Host.Name}: release {id} failed its health check through nginx: {problem}");
        }
    }

    /// <summary>
    /// Puts the host back as it was before the cutover, in one round trip: nginx on the instance that
    /// served, <c>current</c> on the release it served (or no <c>current</c> on a first deploy), the standby
    /// stopped and pointed back; and <paramref name="discard"/>, a release of this run that never served,
    /// deleted. Runs to its end whatever the run's cancellation, tried again while the host does not
    /// answer; when it still fails, says so (the error that caused it is the one the run reports).
    /// </summary>
    public async Task UndoAsync(HostRelease host, string? discard)
    {
        var taken = host.Taken;
        var steps = UndoSteps(host, discard);
        if (steps.Count == 0)
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await runner.RunAsync(host.Host, HostScript.Batch("undo the cutover", steps), cancellable: false);
                host.Undone();
                if (taken == CutoverSteps.None)
                {
                    return;
                }

                log($"{host.Host.Name}: cutover undone; {(host.Before.Current is null ? "nothing served before, nothing serves" : $"release {host.Before.Current} serves")}.");
                return;
            }
            catch (Exception exception) when (attempt < _undoRetries.Count)
            {
                log($"{host.Host.Name}: the undo of the cutover failed ({exception.Message.Split('\n')[0]}); trying again in {_undoRetries[attempt].TotalSeconds:0} s.");
                await Task.Delay(_undoRetries[attempt], CancellationToken.None);
            }
            catch (Exception exception)
            {
                log($"{host.Host.Name}: could not undo the cutover ({exception.Message.Split('\n')[0]}); run the Rollback target with --release={host.Before.Current ?? "ID"} once the host answers.");
                return;
            }
        }
    }

    private List<Remote.RemoteCommand> UndoSteps(HostRelease host, string? discard)
    {
        var before = host.Before;
        var taken = host.Taken;
        var steps = new List<Remote.RemoteCommand>();
        if (taken.HasFlag(CutoverSteps.Nginx))
        {
            steps.AddRange(before.ServingSlot is int serving && before.Current is not null
                ? [commands.Cutover.RestoreNginxSite(serving), .. Slots.Serve(serving)]
                : Slots.Serve(null));
        }

        if (taken.HasFlag(CutoverSteps.Current))
        {
            steps.Add(before.Current is null ? commands.Cutover.RemoveCurrent() : commands.Cutover.SwitchCurrent(before.Current));
        }

        if (taken.HasFlag(CutoverSteps.Standby))
        {
            if (taken.HasFlag(CutoverSteps.Nginx))
            {
                steps.Add(commands.Cutover.LetNginxWorkersDrain());
            }

            steps.Add(commands.Cutover.StopSlot(host.Standby));
            if (before.Slots.TryGetValue(host.Standby, out var slotBefore) && (before.Releases.Contains(slotBefore) || slotBefore == before.Current))
            {
                steps.Add(commands.Cutover.PointSlot(host.Standby, slotBefore));
            }
        }

        if (discard is not null && !before.Releases.Contains(discard) && discard != before.Current)
        {
            steps.Add(commands.RemoveReleases([discard]));
        }

        return steps;
    }
}
