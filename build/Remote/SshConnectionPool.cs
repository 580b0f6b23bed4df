using System.Collections.Concurrent;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// One SSH connection per host, opened at first use and kept alive for every task of the run.
/// Counts the connections it opens, so that reuse can be checked.
/// </summary>
public sealed class SshConnectionPool(SshOptions options, HostKeyVerifier verifier) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SshClient>>> _clients = new();
    private int _connectionsOpened;

    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    public SshOptions Options => options;

    public Task<SshClient> GetAsync(SshTarget target, CancellationToken cancellation = default) =>
        _clients.GetOrAdd(target.Name, _ => new Lazy<Task<SshClient>>(() => ConnectAsync(target, cancellation))).Value;

    /// <summary>
    /// Starts opening each host's connection now, while the run does its local work (packaging the release):
    /// the first command finds it made. The host key is checked as always; a failed attempt is dropped from
    /// the pool, so the first command tries again and reports the failure.
    /// </summary>
    public void ConnectInBackground(IEnumerable<SshTarget> targets)
    {
        foreach (var target in targets)
        {
            _ = Task.Run(() => GetAsync(target)).ContinueWith(attempt => attempt.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The host's connection, opening a new one when the kept one dropped (a reboot, a network cut).</summary>
    public async Task<SshClient> GetConnectedAsync(SshTarget target, CancellationToken cancellation = default)
    {
        var client = await GetAsync(target, cancellation);
        if (client.IsConnected)
        {
            return client;
        }

        Forget(target);
        return await GetAsync(target, cancellation);
    }

    /// <summary>Drops the host's connection (after a reboot, say); the next use opens a new one.</summary>
    public void Forget(SshTarget target)
    {
        if (_clients.TryRemove(target.Name, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        {
            lazy.Value.Result.Dispose();
        }
    }

    private async Task<SshClient> ConnectAsync(SshTarget target, CancellationToken cancellation)
    {
        try
        {
            return await OpenAsync(target, cancellation);
        }
        catch
        {
            // A failed attempt is not kept: the next use tries again (with its own cancellation).
            _clients.TryRemove(target.Name, out _);
            throw;
        }
    }

    private const string DelayedZlib = "zlib@openssh.com";

    private async Task<SshClient> OpenAsync(SshTarget target, CancellationToken cancellation)
    {
        using var key = PrivateKeys.Load(options.PrivateKeyFile, options.Passphrase);
        var connection = new ConnectionInfo(target.Address, target.Port, options.User, new PrivateKeyAuthenticationMethod(options.User, key))
        {
            Timeout = options.ConnectTimeout,
        };

        // Ask the server only for key types known_hosts lists for it, as OpenSSH does; certificates are never accepted.
        var knownTypes = verifier.KnownHosts.KeyTypesFor(target.Address, target.Port);
        foreach (var algorithm in connection.HostKeyAlgorithms.Keys.ToList())
        {
            if (algorithm.Contains("-cert-", StringComparison.Ordinal) || knownTypes.Count > 0 && !knownTypes.Contains(KeyTypeOfAlgorithm(algorithm)))
            {
                connection.HostKeyAlgorithms.Remove(algorithm);
            }
        }

        SshAlgorithms.Restrict(connection);

        // Compressed once logged in (OpenSSH's delayed zlib, which its sshd allows by default): the
        // deploy's scripts, listings and the database tunnel are mostly text. Nothing is compressed
        // before authentication; a server that refuses it gets no compression.
        if (connection.CompressionAlgorithms.Remove(DelayedZlib, out var zlib))
        {
            connection.CompressionAlgorithms.Insert(0, DelayedZlib, zlib);
        }

        var client = new SshClient(connection) { KeepAliveInterval = options.KeepAlive };
        string? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            refusal = verifier.Check(target, e.HostKey);
            e.CanTrust = refusal is null;
        };

        try
        {
            await client.ConnectAsync(cancellation);
        }
        catch (Exception exception)
        {
            client.Dispose();
            if (exception is not (SshException or System.Net.Sockets.SocketException or TimeoutException))
            {
                throw;
            }

            if (refusal is not null)
            {
                throw new HostKeyRefusedException(refusal);
            }

            throw exception is SshAuthenticationException
                ? new InvalidOperationException($"{target}: the server refused the key {options.PrivateKeyFile} for user {options.User}. Is its public key in ~{options.User}/.ssh/authorized_keys there?", exception)
                : new InvalidOperationException($"{target}: cannot connect over SSH: {exception.Message}{Refused(exception, target)}", exception);
        }

        Interlocked.Increment(ref _connectionsOpened);
        return client;
    }

    /// <summary>For a refused connection, where the address and port come from.</summary>
    private static string Refused(Exception exception, SshTarget target) =>
        exception is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }
            ? $" (nothing listens on port {target.Port}: is the host up and its sshd running? The hosts come from the sandbox, Sandbox.WebHosts (./build.sh --target=SandboxStatus shows whether they run), or from the AWS environment; the port from Ssh.Port)"
            : "";

    private static string KeyTypeOfAlgorithm(string algorithm) =>
        algorithm is "rsa-sha2-256" or "rsa-sha2-512" ? "ssh-rsa" : algorithm;

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _clients.Values.Where(l => l.IsValueCreated))
        {
            try
            {
                (await lazy.Value).Dispose();
            }
            catch (Exception)
            {
                // That connection never opened, or is already gone: nothing to close; the others still are.
            }
        }

        _clients.Clear();
    }
}
