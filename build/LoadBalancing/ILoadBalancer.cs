using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>What a rolling deploy asks of the load balancer in front of the web hosts (named as the deploy names them).</summary>
public interface ILoadBalancer
{
    /// <summary>Takes the hosts out of service (no new requests reach them) and returns once their requests in flight have ended, or the drain time has passed.</summary>
    Task DrainAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation);

    /// <summary>Puts the hosts back into service.</summary>
    Task EnableAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation);

    /// <summary>Returns once the load balancer reports every one of the hosts healthy; throws naming those that are not, when the time passes.</summary>
    Task WaitHealthyAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation);

    /// <summary>The hosts the load balancer sends requests to now: in service and healthy.</summary>
    Task<IReadOnlyList<string>> ServingAsync(CancellationToken cancellation);
}

/// <summary>The load balancer refused a change, or did not report what the deploy waited for.</summary>
public sealed class LoadBalancerException(string message) : Exception(message);
