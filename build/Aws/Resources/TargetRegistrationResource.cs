namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The target group holds exactly the web instance: a missing one is registered, any other deregistered.</summary>
public sealed class TargetRegistrationResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var elb = context.Clients.LoadBalancing;
        var resource = $"targets of {context.Names.TargetGroup}";
        var wanted = state.Instance?.InstanceId;
        if (state.TargetGroup is not { } group)
        {
            return ResourceChange.Create(resource, $"register {wanted ?? context.Names.Instance}", ct =>
                elb.RegisterTargetsAsync(state.TargetGroup!.Arn, [state.Instance!.InstanceId], ct));
        }

        var registered = (await elb.TargetHealthAsync(group.Arn, cancellationToken)).Where(target => target.State != "draining").Select(target => target.InstanceId).ToList();
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        if (wanted is null || !registered.Contains(wanted))
        {
            fixes.Add(($"{wanted ?? context.Names.Instance} not registered", ct => elb.RegisterTargetsAsync(group.Arn, [state.Instance!.InstanceId], ct)));
        }

        var others = registered.Where(id => id != wanted).ToList();
        if (others.Count > 0)
        {
            fixes.Add(($"{string.Join(", ", others)} registered but not this environment's web instance", ct => elb.DeregisterTargetsAsync(group.Arn, others, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
