using System.Net;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Remote;

/// <summary>How the deploy machine reaches a port of a web host (its nginx's 80 or 443) for the suite's own checks of it.</summary>
public interface IHostPorts
{
    /// <summary>Where to connect for <paramref name="port"/> on <paramref name="host"/>.</summary>
    Task<EndPoint> ReachAsync(SshTarget host, int port, CancellationToken cancellation);

    /// <summary>How the host was reached, for messages: empty when straight to its address.</summary>
    string Via { get; }
}

/// <summary>Chooses, for the whole run, how the suite's checks reach the web hosts' ports.</summary>
public static class HostPortRoute
{
    /// <summary>
    /// On AWS through each host's SSH connection (the operators' blocks are promised port 22 only; behind the
    /// load balancer the web group admits 80 from its group alone); in the sandbox straight to the host's address.
    /// </summary>
    public static IHostPorts For(DeploySettings settings, SshConnectionPool pool) =>
        settings.Provider == ProviderKind.Aws ? new ForwardedHostPorts(pool) : DirectHostPorts.Instance;
}

/// <summary>Straight to the host's address.</summary>
public sealed class DirectHostPorts : IHostPorts
{
    public static readonly DirectHostPorts Instance = new();

    private DirectHostPorts()
    {
    }

    public string Via => "";

    public Task<EndPoint> ReachAsync(SshTarget host, int port, CancellationToken cancellation) =>
        Task.FromResult<EndPoint>(new DnsEndPoint(host.Address, port));
}
