using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>
/// An HTTP client that asks one web host for the site by its name: every connection goes to the
/// host's address (or where <see cref="IHostPorts"/> reaches its port), while the URL (and so the Host
/// header, SNI and the certificate's name check) is the site's. Over https the chain is verified against the system's roots, or only against
/// <c>trustedRoots</c> when given (the sandbox's test CA).
/// </summary>
public static class SiteClient
{
    public static HttpClient For(string address, IReadOnlyList<string> trustedRoots, TimeSpan timeout) =>
        For((port, _) => Task.FromResult<EndPoint>(new DnsEndPoint(address, port)), trustedRoots, timeout);

    /// <summary>The site asked through <paramref name="host"/>'s port as <paramref name="ports"/> reach it.</summary>
    public static HttpClient For(SshTarget host, IHostPorts ports, IReadOnlyList<string> trustedRoots, TimeSpan timeout) =>
        For((port, cancellation) => ports.ReachAsync(host, port, cancellation), trustedRoots, timeout);

    private static HttpClient For(Func<int, CancellationToken, Task<EndPoint>> reach, IReadOnlyList<string> trustedRoots, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(await reach(context.DnsEndPoint.Port, cancellation), cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (trustedRoots.Count > 0)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = Policy(trustedRoots) };
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    private static int _warmed;

    /// <summary>
    /// Once per process, on a thread of its own: a chain built with the policy over <paramref name="trustedRoots"/> (for the first root
    /// itself). A process's first chain loads what checking any chain needs, which took the health check's first handshake ~90 ms
    /// after the server's last message; warmed while the run waits on a host, the check does not wait for it. Nothing for the system's roots.
    /// </summary>
    public static void WarmInBackground(IReadOnlyList<string> trustedRoots)
    {
        if (trustedRoots.Count == 0 || Interlocked.Exchange(ref _warmed, 1) == 1)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            using var chain = new X509Chain { ChainPolicy = Policy(trustedRoots) };
            chain.Build(chain.ChainPolicy.CustomTrustStore[0]);
        }).ContinueWith(warm => warm.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static X509ChainPolicy Policy(IReadOnlyList<string> trustedRoots)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        foreach (var file in trustedRoots)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(file);
            policy.CustomTrustStore.AddRange(roots);
        }

        return policy;
    }
}
