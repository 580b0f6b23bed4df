using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The cutover on every web host at once, one step at a time (without a load balancer): standby started
/// and checked, <c>current</c> moved and nginx pointed at it (one round trip), the site checked through nginx. A step that
/// fails in any way (a failed command, a dropped connection, a timeout, a cancellation) undoes the
/// cutover on every host that got that far, so that no host is left half-switched.
/// </summary>
/// <param name="discard">The release an undo deletes (this run's new one), none for a rollback's old target.</param>
public sealed class HostsCutover(HostReleases states, Cutover cutover, IHealthProbe probe, TimeSpan healthCheckTimeout, string? discard, CancellationToken cancellation)
{
    public Task StartStandbyAsync(string id) => StepAsync(host => cutover.StartStandbyAsync(host, id), (reason, serving) =>
        $"Release {id} failed its health check on its own gunicorn instance and was rolled back before it served any request; {serving}.{Environment.NewLine}{reason}");

    public Task ServeAsync(string id) => StepAsync(host => cutover.ServeAsync(host, id), (reason, serving) =>
        $"{reason}{Environment.NewLine}The cutover to {id} (current moved, nginx pointed at it) was undone; {serving}.");

    /// <summary>
    /// Asks each host's nginx which release it serves until <paramref name="id"/> answers, within the
    /// timeout. When one does not, every host goes back to the previous release and the step fails
    /// saying so; when all do, every host's cutover is confirmed (its old instance retires).
    /// </summary>
    public async Task HealthCheckAsync(string id)
    {
        var failures = new List<string>();
        await StepAsync(async host =>
        {
            if (await probe.WaitForAsync(host.Host, id, healthCheckTimeout, cancellation) is { } problem)
            {
                lock (failures)
                {
                    failures.Add($"{host.Host.Name}: {problem}");
                }
            }
        }, (reason, serving) => $"The health check of release {id} did not finish and the cutover was undone; {serving}.{Environment.NewLine}{reason}");

        if (failures.Count > 0)
        {
            await UndoAllAsync();
            var previous = states.ServingBefore;
            throw new ReleaseException(
                $"Release {id} failed its health check through nginx ({string.Join("; ", failures.Order(StringComparer.Ordinal))}); rolled back automatically: "
                + (previous is null ? "there was no previous release to go back to." : $"release {previous} serves again."));
        }

        foreach (var host in states.All())
        {
            host.Confirmed();
        }
    }

    /// <summary>Undoes the cutover on every host that took a step of it and is not confirmed.</summary>
    public Task UndoAllAsync() =>
        Task.WhenAll(states.All().Where(host => !host.IsConfirmed).Select(host => cutover.UndoAsync(host, discard)));

    /// <summary>
    /// One step on every host. When it fails on any host, however it fails, the cutover is undone on
    /// every host that got that far; a cancellation then goes on as it was, any other failure is
    /// reported by <paramref name="describe"/> (the reason, what serves).
    /// </summary>
    private async Task StepAsync(Func<HostRelease, Task> step, Func<string, string, string> describe)
    {
        try
        {
            await Task.WhenAll(states.Targets.Select(async host => await step(await states.GetAsync(host))));
        }
        catch (Exception exception)
        {
            await UndoAllAsync();
            if (exception is OperationCanceledException)
            {
                throw;
            }

            var reason = exception is RemoteCommandException remote ? $"{remote.Host}: {remote.Stderr.Trim()}" : exception.Message;
            var serving = states.ServingBefore;
            throw new ReleaseException(describe(reason, serving is null ? "nothing was serving before it" : $"release {serving} keeps serving"));
        }
    }
}
