using System.Diagnostics;

namespace CoralNet.Deploy.Aws;

/// <summary>How long-running waits pace themselves; tests shorten the interval to nothing.</summary>
public sealed record WaitOptions(TimeSpan Timeout, TimeSpan Interval, Func<TimeSpan, CancellationToken, Task> Delay)
{
    public static WaitOptions Real(int timeoutSeconds) =>
        new(TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(10), Task.Delay);
}

/// <summary>Polls until a resource reaches the wanted state, printing its state and the time taken, within a bound.</summary>
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
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (done, state, value) = await poll(cancellationToken);
            var elapsed = $"{(int)clock.Elapsed.TotalMinutes}m{clock.Elapsed.Seconds:00}s";
            if (done)
            {
                log.Information($"{what}: {state} after {elapsed}.");
                return value;
            }

            if (clock.Elapsed >= options.Timeout)
            {
                throw new TimeoutException(
                    $"{what}: still '{state}' after {elapsed} (Timeouts.AwsWaitSeconds is {options.Timeout.TotalSeconds:0}). " +
                    "Look at it in the AWS console, then run again: what is already made is found and kept.");
            }

            log.Information($"{what}: {state} ({elapsed} elapsed, waiting up to {options.Timeout.TotalSeconds:0}s)...");

            await options.Delay(options.Interval, cancellationToken);
        }
    }
}
