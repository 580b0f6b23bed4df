using System.Diagnostics;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>How a deploy rolls: how many hosts at a time, and whether a failure keeps the batches already done.</summary>
public sealed record RollOptions(BatchSize BatchSize, bool KeepDoneBatches);

/// <summary>
/// The cutover behind a load balancer, one batch of web hosts at a time: the batch is drained at the load
/// balancer (once it reports another healthy host) while its standby instances are started, checked and
/// warmed (that does not touch serving); then the batch is cut over to them and asked through its nginx,
/// put back and waited for until the load balancer reports it healthy. Once a batch's standby instances
/// answer the release, the next batch's start (they take longest): a batch's cutover and return overlap
/// the next one's start. A failing batch stops the roll: its hosts are undone (a standby started, the next
/// batch's too, is stopped again), and so are the batches before it (unless
/// <see cref="RollOptions.KeepDoneBatches"/>), and the batch is put back in service on what it served before.
/// </summary>
/// <param name="startStandby">One host's standby started, checked and warmed (see <see cref="Cutover.StartStandbyAsync"/>).</param>
/// <param name="cutOver">The rest of one host's cutover, once it is drained (see <see cref="Cutover.ServeStandbyAsync"/>).</param>
/// <param name="undo">Undoes every host whose cutover is not confirmed.</param>
public sealed class RollingCutover(ILoadBalancer balancer, HostReleases hosts, Func<HostRelease, Task> startStandby, Func<HostRelease, Task> cutOver, Func<Task> undo, Action<string> log, CancellationToken cancellation)
{
    public async Task RunAsync(string id, RollOptions options)
    {
        var states = await Task.WhenAll(hosts.Targets.Select(hosts.GetAsync));
        var batches = options.BatchSize.Split(states);
        var done = new List<HostRelease>();
        var clock = Stopwatch.StartNew();
        var standby = StartStandbyAsync(batches[0], clock);
        for (var index = 0; index < batches.Count; index++)
        {
            var batch = batches[index];
            var targets = batch.Select(h => h.Host).ToList();
            log($"Roll: batch {index + 1} of {batches.Count} ({Names(targets)}) to release {id}.");
            var drained = false;
            var began = clock.Elapsed;
            var (checkedOthers, drainedAt, ready, cutAt) = (began, began, began, began);
            Task<TimeSpan>? next = null;
            try
            {
                await RefuseToEmptyAsync(targets);
                checkedOthers = clock.Elapsed;
                drained = true;
                await balancer.DrainAsync(targets, cancellation);
                drainedAt = clock.Elapsed;
                ready = await standby;
                // The release answers on this batch's own sockets: the next batch's standby starts while this one cuts over.
                next = index + 1 < batches.Count ? StartStandbyAsync(batches[index + 1], clock) : null;
                await Task.WhenAll(batch.Select(cutOver));
                cutAt = clock.Elapsed;
                await balancer.EnableAsync(targets, cancellation);
                drained = false;
                await balancer.WaitHealthyAsync(targets, cancellation);
            }
            catch (Exception exception)
            {
                // The undo must not race a standby still starting (whatever its end: a failure of its own is the one caught here, or follows from it).
                await Task.WhenAll(new[] { standby, next }.OfType<Task>().Select(start => Task.WhenAny(start)));
                await StopAsync(id, options, done, batch, drained, index, batches.Count, exception);
                throw;
            }

            if (options.KeepDoneBatches)
            {
                foreach (var host in batch)
                {
                    host.Confirmed();
                }
            }

            done.AddRange(batch);
            var end = clock.Elapsed;
            log($"Roll: batch {index + 1} done in {(end - began).TotalSeconds:0.00} s (standby started, checked and warmed: {Seconds(ready - began)}{(index > 0 ? " after the batch began (started with the batch before)" : "")}, "
                + $"meanwhile another host serving: {Seconds(checkedOthers - began)} and drained: {Seconds(drainedAt - checkedOthers)}; cut over, asked through nginx: {Seconds(cutAt - (ready > drainedAt ? ready : drainedAt))}; back in service, healthy: {Seconds(end - cutAt)}).");
            if (next is not null)
            {
                standby = next;
            }
        }

        done.ForEach(host => host.Confirmed());
    }

    /// <summary>The batch's standby instances started, checked and warmed; when they were, by the roll's clock.</summary>
    private async Task<TimeSpan> StartStandbyAsync(IReadOnlyList<HostRelease> batch, Stopwatch clock)
    {
        await Task.WhenAll(batch.Select(startStandby));
        return clock.Elapsed;
    }

    private static string Seconds(TimeSpan span) => $"{Math.Max(0, span.TotalSeconds):0.00} s";

    /// <summary>
    /// Refuses a batch whose drain would leave the load balancer no healthy host to send requests to.
    /// When none is healthy at all (a first deploy: no host serves the site yet), there is nothing to keep.
    /// </summary>
    private async Task RefuseToEmptyAsync(IReadOnlyList<SshTarget> batch)
    {
        var serving = await balancer.ServingAsync(cancellation);
        if (serving.Count == 0)
        {
            log($"Roll: the load balancer reports no healthy host: the site does not answer there now, and {Names(batch)} goes on.");
        }
        else if (!serving.Except(batch.Select(h => h.Name)).Any())
        {
            throw new LoadBalancerException($"the load balancer reports no healthy host besides {Names(batch)} (only {string.Join(", ", serving)}): draining it would leave the site without any; it was not drained, and its standby instance (started meanwhile, serving nothing) is stopped again.");
        }
    }

    /// <summary>Undoes the failed batch (and the batches before it, unless kept), puts the batch back in service, and throws what happened; a cancellation goes on as it was.</summary>
    private async Task StopAsync(string id, RollOptions options, List<HostRelease> done, IReadOnlyList<HostRelease> batch, bool drained, int index, int count, Exception exception)
    {
        await undo();
        var targets = batch.Select(h => h.Host).ToList();
        if (drained)
        {
            try
            {
                await balancer.EnableAsync(targets, CancellationToken.None);
            }
            catch (Exception enable)
            {
                log($"Could not put {Names(targets)} back in service at the load balancer ({enable.Message.Split('\n')[0]}); put it back by hand once it answers.");
            }
        }

        if (exception is OperationCanceledException)
        {
            return;
        }

        var reason = exception is RemoteCommandException remote ? $"{remote.Host}: {remote.Stderr.Trim()}" : exception.Message;
        var serving = hosts.ServingBefore;
        var before = serving is null ? "nothing served before" : $"release {serving} serves again";
        var undone = batch.Where(h => h.Taken == CutoverSteps.None).Select(h => h.Host).ToList();
        var earlier = done.Count == 0 ? ""
            : options.KeepDoneBatches ? $" The batches before it keep release {id} (Roll.KeepDoneBatches): {Names(done.Select(h => h.Host))} serve {id}; the others serve {serving ?? "nothing"}."
            : $" The batches before it were rolled back too: on {Names(done.Select(h => h.Host))} {before}.";
        // Every host: the next batch's standby may have been started while this batch cut over.
        var lost = hosts.All().Where(h => !h.IsConfirmed && h.Taken != CutoverSteps.None).Select(h => h.Host).ToList();
        throw new ReleaseException($"The roll stopped at batch {index + 1} of {count} ({Names(targets)}): {reason}{Environment.NewLine}"
            + (undone.Count > 0 ? $"{Names(undone)} rolled back: {before}." : "") + earlier
            + (lost.Count > 0 ? $" Not undone, as it could not be reached: {Names(lost)} (run Rollback there once it answers)." : ""));
    }

    private static string Names(IEnumerable<SshTarget> hosts) => string.Join(", ", hosts.Select(h => h.Name));
}
