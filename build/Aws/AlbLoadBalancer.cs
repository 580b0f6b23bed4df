using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// The Application Load Balancer's target group as a rolling deploy's load balancer: each web host (by
/// the deploy's name for it) is its EC2 instance there. Draining is deregistering and waiting while the
/// target group's deregistration delay lets requests in flight end; putting back is registering.
/// </summary>
/// <param name="instanceIds">Each web host's instance id, by the host's name.</param>
public sealed class AlbLoadBalancer(ElbClient elb, TargetRegistrations registrations, string targetGroupArn, IReadOnlyDictionary<string, string> instanceIds) : ILoadBalancer
{
    public async Task DrainAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation)
    {
        var ids = Ids(hosts);
        await registrations.DeregisterAsync(ids, cancellation);
        await registrations.WaitDrainedAsync(ids, cancellation);
    }

    public Task EnableAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation) => registrations.RegisterAsync(Ids(hosts), cancellation);

    public Task WaitHealthyAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation) => registrations.WaitHealthyAsync(Ids(hosts), cancellation);

    public async Task<IReadOnlyList<string>> ServingAsync(CancellationToken cancellation)
    {
        var healthy = (await elb.TargetHealthAsync(targetGroupArn, cancellation)).Where(t => t.State == "healthy").Select(t => t.InstanceId).ToHashSet();
        return instanceIds.Where(host => healthy.Contains(host.Value)).Select(host => host.Key).Order(StringComparer.Ordinal).ToList();
    }

    private List<string> Ids(IReadOnlyList<SshTarget> hosts) =>
        hosts.Select(host => instanceIds.TryGetValue(host.Name, out var id) ? id : throw new LoadBalancerException($"{host.Name} is not a web instance of the target group.")).ToList();
}
