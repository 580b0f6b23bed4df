using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

/// <summary>
/// Web hosts of the test's own, each an isolated sshd with a web server on its 127.0.0.1:80 (see <see cref="InsideWebServer"/>),
/// reached over one pool as a run reaches its hosts, their ports as <c>route</c> chooses for the run.
/// </summary>
public sealed class IsolatedWebHosts : IDisposable
{
    private readonly Dictionary<string, (LoopbackSshd Sshd, InsideWebServer Server)> _hosts = [];
    private readonly SshConnectionPool _pool;

    public IsolatedWebHosts(IEnumerable<string> names, Func<SshConnectionPool, IHostPorts> route)
    {
        foreach (var name in names)
        {
            var sshd = LoopbackSshd.StartIsolated();
            _hosts[name] = (sshd, InsideWebServer.Http(sshd));
        }

        // One client key and known_hosts file for them all, as a run has.
        var first = _hosts.Values.First().Sshd;
        foreach (var (sshd, _) in _hosts.Values.Skip(1))
        {
            sshd.Authorize(first.ClientKeyFile + ".pub");
        }

        File.WriteAllLines(first.KnownHostsFile, _hosts.Values.Select(host => host.Sshd.KnownHostsLine()));
        _pool = new SshConnectionPool(first.Options(), new HostKeyVerifier(first.KnownHostsFile, false));
        Ports = route(_pool);
    }

    public IHostPorts Ports { get; }

    public SshTarget Target(string name) => _hosts[name].Sshd.Target(name);

    /// <summary>What the host's web server answers from now on (nothing: an empty body).</summary>
    public void Serve(string name, string? release) => _hosts[name].Server.Serve(release ?? "");

    public IReadOnlyList<string> Requests(string name) => _hosts[name].Server.Requests;

    public int Forwards => ((ForwardedHostPorts)Ports).Opened;

    public int Connections => _pool.ConnectionsOpened;

    public void Dispose()
    {
        (Ports as IDisposable)?.Dispose();
        _pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var (sshd, server) in _hosts.Values)
        {
            server.Dispose();
            sshd.Dispose();
        }
    }
}
