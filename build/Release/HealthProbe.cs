using System.Diagnostics;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>Asks a host's nginx which release it serves.</summary>
public interface IHealthProbe
{
    /// <summary>Null once the host answers 200 with <paramref name="id"/>; else, once <paramref name="within"/> has passed (zero: after one try), what it answered last.</summary>
    Task<string?> WaitForAsync(SshTarget host, string id, TimeSpan within, CancellationToken cancellation);
}

/// <summary>GET http://HOST/health/ with the site's Host header (the site's view answers its release id while the database answers), every 20 ms, until the release answers or the time passes.</summary>
public sealed class HttpHealthProbe(string domain) : IHealthProbe, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<string?> WaitForAsync(SshTarget host, string id, TimeSpan within, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string last;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host.Address}/health/") { Headers = { Host = domain } };
                using var answer = await _http.SendAsync(request, cancellation);
                var body = (await answer.Content.ReadAsStringAsync(cancellation)).Trim();
                if (answer.IsSuccessStatusCode && body == id)
                {
                    return null;
                }

                last = $"answered {(int)answer.StatusCode} with '{(body.Length > 200 ? body[..200] : body)}'";
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellation.IsCancellationRequested))
            {
                last = "did not answer: " + exception.Message;
            }

            if (clock.Elapsed >= within)
            {
                return $"http://{host.Address}/health/ (Host: {domain}) {last} instead of 200 with {id}, after {within.TotalSeconds:0} s";
            }

            await Task.Delay(20, cancellation);
        }
    }

    public void Dispose() => _http.Dispose();
}
