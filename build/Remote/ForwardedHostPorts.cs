using System.Net;
using Renci.SshNet;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// A host's ports through the run's SSH connection to it: a local forward from 127.0.0.1 (a port the system
/// picks) to the host's own 127.0.0.1 and that port, opened at the first use per host and port and kept for
/// the run (a new one when the connection was made anew), all closed with this object.
/// </summary>
public sealed class ForwardedHostPorts(SshConnectionPool pool) : IHostPorts, IDisposable
{
    private readonly Dictionary<(string Host, int Port), (SshClient Client, ForwardedPortLocal Forward)> _forwards = [];
    private int _opened;

    public string Via => " through its SSH connection";

    /// <summary>Forwards opened so far (reuse keeps it at one per host and port).</summary>
    public int Opened => Volatile.Read(ref _opened);

    public async Task<EndPoint> ReachAsync(SshTarget host, int port, CancellationToken cancellation)
    {
        var client = await pool.GetConnectedAsync(host, cancellation);
        lock (_forwards)
        {
            if (_forwards.TryGetValue((host.Name, port), out var kept))
            {
                if (kept.Client == client && kept.Forward.IsStarted)
                {
                    return Local(kept.Forward);
                }

                Close(kept);
            }

            var forward = new ForwardedPortLocal("127.0.0.1", 0, "127.0.0.1", (uint)port);
            client.AddForwardedPort(forward);
            try
            {
                forward.Start();
            }
            catch
            {
                Close((client, forward));
                throw;
            }

            _forwards[(host.Name, port)] = (client, forward);
            _opened++;
            return Local(forward);
        }
    }

    private static IPEndPoint Local(ForwardedPortLocal forward) => new(IPAddress.Loopback, (int)forward.BoundPort);

    private static void Close((SshClient Client, ForwardedPortLocal Forward) kept)
    {
        try
        {
            if (kept.Forward.IsStarted)
            {
                kept.Forward.Stop();
            }

            kept.Client.RemoveForwardedPort(kept.Forward);
        }
        catch (ObjectDisposedException)
        {
            // The connection is already closed (a reboot, the run's end): so is its forward.
        }

        kept.Forward.Dispose();
    }

    public void Dispose()
    {
        lock (_forwards)
        {
            foreach (var kept in _forwards.Values)
            {
                Close(kept);
            }

            _forwards.Clear();
        }
    }
}
