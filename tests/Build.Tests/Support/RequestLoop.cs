using System.Diagnostics;

namespace CoralNet.Deploy.Tests.Support;

/// <summary>Asks the site's /health/ over and over until stopped (at most 3 minutes), counting the requests and keeping every failure (a status other than 200, no answer).</summary>
public static class RequestLoop
{
    /// <summary>Runs <paramref name="run"/> (a deploy) with the loop going from before it starts until 300 ms after it ends.</summary>
    public static async Task<(T Result, int Requests, List<string> Failures)> AroundAsync<T>(Func<string, Task<(int Status, string Body)>> get, Func<T> run)
    {
        using var stop = new CancellationTokenSource();
        var loop = RunAsync(get, stop.Token);
        var result = run();
        await Task.Delay(300);
        await stop.CancelAsync();
        var (requests, failures) = await loop;
        return (result, requests, failures);
    }

    public static async Task<(int Requests, List<string> Failures)> RunAsync(Func<string, Task<(int Status, string Body)>> get, CancellationToken stop)
    {
        var failures = new List<string>();
        var requests = 0;
        var deadline = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            requests++;
            try
            {
                var (status, body) = await get("/health/");
                if (status != 200)
                {
                    failures.Add($"{status}: {body}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                failures.Add(exception.Message);
            }

            await Task.Delay(10, CancellationToken.None);
        }

        return (requests, failures);
    }
}
