using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Aws;

/// <summary>How long-running waits pace themselves; tests shorten the interval to nothing or bring their own clock.</summary>
/// <param name="TimeoutSetting">The setting a timed-out wait names as its bound.</param>
/// <param name="Advice">What a timed-out wait tells the operator to do.</param>
public sealed record WaitOptions(
    TimeSpan Timeout,
    TimeSpan Interval,
    Func<TimeSpan, CancellationToken, Task> Delay,
    TimeProvider? Time = null,
    string TimeoutSetting = "Timeouts.AwsWaitSeconds",
    string Advice = "Look at it in the AWS console, then run again: what is already made is found and kept.")
{
    public TimeProvider Clock => Time ?? TimeProvider.System;

    public static WaitOptions Real(int timeoutSeconds) =>
        new(TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(10), Task.Delay);
}

/// <summary>
/// Polls until a resource reaches the wanted state, within a bound: each new state is printed with
/// the time taken, and a <see cref="Heartbeat"/> says at least every 10 s how long it has waited and the latest state.
/// </summary>
public static class Waiter
{
    /// <summary>Polls <paramref name="poll"/> (which says whether it is done, and the state it saw) until done or the timeout.</summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<CancellationToken, Task<(bool Done, string State, T Value)>> poll,
        WaitOptions options,
        IAwsLog log,
        CancellationToken cancellationToken)
    {
        var clock = options.Clock;
        var started = clock.GetTimestamp();
        using var heartbeat = new Heartbeat(what, log.Information, text => text, clock);
        string? said = null;
        while (true)
        {
            var (done, state, value) = await poll(cancellationToken);
            var elapsed = Heartbeat.Format(clock.GetElapsedTime(started));
            if (done)
            {
                log.Information($"{what}: {state} after {elapsed}.");
                return value;
            }

            if (clock.GetElapsedTime(started) >= options.Timeout)
            {
                throw new TimeoutException(
                    $"{what}: still '{state}' after {elapsed} ({options.TimeoutSetting} is {options.Timeout.TotalSeconds:0}). " + options.Advice);
            }

            heartbeat.Observe($"state '{state}'");
            if (state != said)
            {
                log.Information($"{what}: {state} ({elapsed} elapsed, waiting up to {options.Timeout.TotalSeconds:0}s)...");
                said = state;
            }

            await options.Delay(options.Interval, cancellationToken);
        }
    }
}
