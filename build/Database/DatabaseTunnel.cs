using Renci.SshNet;
using Renci.SshNet.Common;

namespace CoralNet.Deploy.Database;

/// <summary>
/// A local forward over an open SSH connection: 127.0.0.1 on a free port chosen by the system, to
/// the database's address and port as the web host sees them. The database needs no public address.
/// </summary>
public sealed class DatabaseTunnel : IDisposable
{
    private readonly SshClient _client;
    private readonly ForwardedPortLocal _port;
    private string? _error;

    public DatabaseTunnel(SshClient client, DatabaseEndpoint endpoint)
    {
        _client = client;
        _port = new ForwardedPortLocal("127.0.0.1", 0, endpoint.Address, (uint)endpoint.Port);
        _port.Exception += OnException;
        client.AddForwardedPort(_port);
        try
        {
            _port.Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string LocalAddress => _port.BoundHost;

    public int LocalPort => (int)_port.BoundPort;

    /// <summary>The last failure of the forward (the web host could not reach the database, say), for error messages.</summary>
    public string? Error => Volatile.Read(ref _error);

    private void OnException(object? sender, ExceptionEventArgs e) => Volatile.Write(ref _error, e.Exception.Message);

    public void Dispose()
    {
        _port.Exception -= OnException;
        if (_port.IsStarted)
        {
            _port.Stop();
        }

        _client.RemoveForwardedPort(_port);
        _port.Dispose();
    }
}
