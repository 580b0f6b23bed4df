using System.Diagnostics;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>How a deploy rolls: how many hosts at a time, and whether a failure keeps the batches already done.</summary>
public sealed record RollOptions(BatchSize BatchSize, bool KeepDoneBatches);

/// <summary>
/// The cutover behind a load balancer, one batch of web hosts at a time: the batch's standby instances
/// start and are checked and warmed (that does not touch serving) while the load balancer is asked for
/// another healthy host and the batch is drained there (its requests in flight end); then the batch is cut
/// over to them and asked through its nginx, put back and waited for until the load balancer reports it
/// healthy. A batch is drained only while another host serves. A failing batch stops the roll: its hosts
/// are undone (a standby started is stopped again), and so are the batches before it (unless
/// <see cref="RollOptions.KeepDoneBatches"/>), and the batch is put back in service on what it served before.
/// </summary>
/// <param name="startStandby">One host's standby started, checked and warmed (see <see cref="Cutover.StartStandbyAsync"/>): run while the host drains.</param>
/// <param name="cutOver">The rest of one host's cutover, once it is drained (see <see cref="Cutover.ServeStandbyAsync"/>).</param>
/// <param name="undo">Undoes every host whose cutover is not confirmed.</param>
public sealed class RollingCutover(ILoadBalancer balancer, HostReleases hosts, Func<HostRelease, Task> startStandby, Func<HostRelease, Task> cutOver, Func<Task> undo, Action<string> log, CancellationToken cancellation)
{
    public async Task RunAsync(string id, RollOptions options)
    {
        var states = await Task.WhenAll(hosts.Targets.Select(hosts.GetAsync));
        var batches = options.BatchSize.Split(states);
        var done = new List<HostRelease>();
        for (var index = 0; index < batches.Count; index++)
        {
            var batch = batches[index];
            var targets = batch.Select(h => h.Host).ToList();
            log($"Roll: batch {index + 1} of {batches.Count} ({Names(targets)}) to release {id}.");
            var drained = false;
            var clock = Stopwatch.StartNew();
            var (checkedOthers, standbyReady, drainedAt, cutAt) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            async Task StartStandbyAsync()
            {
                await Task.WhenAll(batch.Select(startStandby));
                standbyReady = clock.Elapsed;
            }

            var standby = StartStandbyAsync();
            try
            {
                await RefuseToEmptyAsync(targets);
                checkedOthers = clock.Elapsed;
                drained = true;
                await balancer.DrainAsync(targets, cancellation);
                drainedAt = clock.Elapsed;
                await standby;
                await Task.WhenAll(batch.Select(cutOver));
                cutAt = clock.Elapsed;
                await balancer.EnableAsync(targets, cancellation);
                drained = false;
                await balancer.WaitHealthyAsync(targets, cancellation);
            }
            catch (Exception exception)
            {
                // The undo must not race a standby still starting (whatever its end: a failure of its own is the one caught here, or follows from it).
                await Task.WhenAny(standby);
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
            log($"Roll: batch {index + 1} done in {clock.Elapsed.TotalSeconds:0.00} s (standby started, checked and warmed: {standbyReady.TotalSeconds:0.00} s, meanwhile another host serving: {checkedOthers.TotalSeconds:0.00} s "
                + $"and drained: {(drainedAt - checkedOthers).TotalSeconds:0.00} s; cut over, asked through nginx: {(cutAt - Max(standbyReady, drainedAt)).TotalSeconds:0.00} s; back in service, healthy: {(clock.Elapsed - cutAt).TotalSeconds:0.00} s).");
        }

        done.ForEach(host => host.Confirmed());
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

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
        var lost = batch.Concat(done).Where(h => !h.IsConfirmed && h.Taken != CutoverSteps.None).Select(h => h.Host).ToList();
        throw new ReleaseException($"The roll stopped at batch {index + 1} of {count} ({Names(targets)}): {reason}{Environment.NewLine}"
            + (undone.Count > 0 ? $"{Names(undone)} rolled back: {before}." : "") + earlier
            + (lost.Count > 0 ? $" Not undone, as it could not be reached: {Names(lost)} (run Rollback there once it answers)." : ""));
    }

    private static string Names(IEnumerable<SshTarget> hosts) => string.Join(", ", hosts.Select(h => h.Name));
}
