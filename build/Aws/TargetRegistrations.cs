using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// What a rolling deploy asks of the load balancer for one batch of instances: take them out
/// (<see cref="DeregisterAsync"/>, then <see cref="WaitDrainedAsync"/> while their in-flight
/// requests finish within the deregistration delay), and put them back (<see cref="RegisterAsync"/>,
/// then <see cref="WaitHealthyAsync"/> until the load balancer's health checks pass).
/// </summary>
/// <param name="drained">How long and how often <see cref="WaitDrainedAsync"/> asks.</param>
/// <param name="healthy">How long and how often <see cref="WaitHealthyAsync"/> asks.</param>
public sealed class TargetRegistrations(ElbClient elb, string targetGroupArn, WaitOptions drained, WaitOptions healthy, IAwsLog log)
{
    public Task DeregisterAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        elb.DeregisterTargetsAsync(targetGroupArn, instanceIds, cancellationToken);

    public Task RegisterAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        elb.RegisterTargetsAsync(targetGroupArn, instanceIds, cancellationToken);

    /// <summary>Until every one of <paramref name="instanceIds"/> is healthy.</summary>
    public Task WaitHealthyAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        WaitForAsync(instanceIds, "healthy", healthy, cancellationToken);

    /// <summary>Until none of <paramref name="instanceIds"/> is registered or draining any more (AWS says "unused").</summary>
    public Task WaitDrainedAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        WaitForAsync(instanceIds, "unused", drained, cancellationToken);

    private Task<bool> WaitForAsync(IReadOnlyList<string> instanceIds, string wanted, WaitOptions wait, CancellationToken cancellationToken) =>
        Waiter.UntilAsync($"targets {string.Join(", ", instanceIds)}", async ct =>
        {
            var health = await elb.TargetHealthAsync(targetGroupArn, ct, instanceIds);
            var states = instanceIds.Select(id => $"{id} {health.FirstOrDefault(target => target.InstanceId == id)?.State ?? "unknown"}").ToList();
            return (states.All(state => state.EndsWith(" " + wanted, StringComparison.Ordinal)), string.Join(", ", states), true);
        }, wait, log, cancellationToken);
}
