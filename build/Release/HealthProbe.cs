using System.Diagnostics;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>Asks a host's nginx which release it serves.</summary>
public interface IHealthProbe
{
    /// <summary>Null once the host answers 200 with <paramref name="id"/>; else, once <paramref name="within"/> has passed (zero: after one try), what it answered last.</summary>
    Task<string?> WaitForAsync(SshTarget host, string id, TimeSpan within, CancellationToken cancellation);
}

/// <summary>
/// GET /health/ of the site's name through the host's nginx (the site's view answers its release id while
/// the database answers), every 20 ms, until the release answers or the time passes; over https once the
/// host serves it, the chain checked against <paramref name="trustedRoots"/> (none: the system's roots); each
/// host's port reached as <paramref name="ports"/> say (through its SSH connection on AWS).
/// </summary>
public sealed class HttpHealthProbe(string domain, IReadOnlyList<string> trustedRoots, Func<SshTarget, bool> servesTls, IHostPorts ports) : IHealthProbe
{
    public async Task<string?> WaitForAsync(SshTarget host, string id, TimeSpan within, CancellationToken cancellation)
    {
        var url = $"{(servesTls(host) ? "https" : "http")}://{domain}{Templates.SiteTemplates.HealthPath}";
        using var http = SiteClient.For(host, ports, trustedRoots, TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string last;
            try
            {
                using var answer = await http.GetAsync(url, cancellation);
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
                return $"{url} on {host.Address}{ports.Via} {last} instead of 200 with {id}, after {within.TotalSeconds:0} s";
            }

            await Task.Delay(20, cancellation);
        }
    }
}
