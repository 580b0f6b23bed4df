using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// The Application Load Balancer's target group as a rolling deploy's load balancer: each web host (by
/// the deploy's name for it) is its EC2 instance there. Draining is deregistering and waiting while the
/// target group's deregistration delay lets requests in flight end; putting back is registering.
/// </summary>
/// <param name="instanceIds">Each web host's instance id, by the host's name.</param>
public sealed class AlbLoadBalancer(ElbClient elb, TargetRegistrations registrations, string targetGroupArn, IReadOnlyDictionary<string, string> instanceIds) : ILoadBalancer
{
    /// <summary>How often a roll asks the target group whether its targets are drained or healthy.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    /// <summary>Beyond the deregistration delay, the time AWS may take to report a drained target unused.</summary>
    public const int DrainMarginSeconds = 60;

    /// <summary>
    /// The environment's target group and every web instance's id, found by name and tags (Describe calls
    /// only); a missing one is an error naming Provision. Waits poll every <paramref name="poll"/>.
    /// </summary>
    public static async Task<AlbLoadBalancer> FindAsync(AwsServices aws, DeploySettings settings, IAwsLog log, TimeSpan poll, CancellationToken cancellation)
    {
        var lookup = new AwsLookup(aws, new AwsNames(settings));
        var names = lookup.Names;
        var provision = $"run ./build.sh --target=Provision --environment={settings.Environment} first.";
        var group = await aws.LoadBalancing.FindTargetGroupAsync(names.TargetGroup, cancellation)
            ?? throw new LoadBalancerException($"No target group {names.TargetGroup} in this account and region: {provision}");
        var instanceIds = new Dictionary<string, string>();
        foreach (var name in names.WebHosts(settings.Aws.WebInstances))
        {
            instanceIds[name] = (await lookup.FindInstanceAsync(name, cancellation))?.InstanceId
                ?? throw new LoadBalancerException($"No web instance {name} in this account and region: {provision}");
        }

        var drained = new WaitOptions(TimeSpan.FromSeconds(settings.Aws.DeregistrationDelaySeconds + DrainMarginSeconds), poll, Task.Delay,
            TimeoutSetting: $"Aws.DeregistrationDelaySeconds plus {DrainMarginSeconds}",
            Advice: "Look at the target group in the AWS console; the batch was put back in service.");
        var healthy = new WaitOptions(TimeSpan.FromSeconds(settings.Timeouts.LoadBalancerHealthySeconds), poll, Task.Delay,
            TimeoutSetting: "Timeouts.LoadBalancerHealthySeconds",
            Advice: $"The load balancer asks {Templates.SiteTemplates.HealthPath} on port 80 of each instance: see the target's health reason in the AWS console, and the host's nginx and gunicorn (the Logs target).");
        return new AlbLoadBalancer(aws.LoadBalancing, new TargetRegistrations(aws.LoadBalancing, group.Arn, drained, healthy, log), group.Arn, instanceIds);
    }

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
