namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The target group holds exactly the web instances: a missing one is registered, any other deregistered.</summary>
public sealed class TargetRegistrationResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var elb = context.Clients.LoadBalancing;
        var resource = $"targets of {context.Names.TargetGroup}";
        // The instances made in this run have their ids only when applied.
        List<string> Wanted() => state.WebHosts.Select(host => host.Instance!.InstanceId).ToList();
        string Named(WebHostState host) => host.Instance?.InstanceId ?? host.Name;
        if (state.TargetGroup is not { } group)
        {
            return ResourceChange.Create(resource, "register " + string.Join(", ", state.WebHosts.Select(Named)), ct =>
                elb.RegisterTargetsAsync(state.TargetGroup!.Arn, Wanted(), ct));
        }

        var registered = (await elb.TargetHealthAsync(group.Arn, cancellationToken)).Where(target => target.State != "draining").Select(target => target.InstanceId).ToList();
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        var missing = state.WebHosts.Where(host => host.Instance is null || !registered.Contains(host.Instance.InstanceId)).ToList();
        if (missing.Count > 0)
        {
            fixes.Add(($"{string.Join(", ", missing.Select(Named))} not registered",
                ct => elb.RegisterTargetsAsync(group.Arn, missing.Select(host => host.Instance!.InstanceId).ToList(), ct)));
        }

        var others = registered.Where(id => state.WebHosts.All(host => host.Instance?.InstanceId != id)).ToList();
        if (others.Count > 0)
        {
            fixes.Add(($"{string.Join(", ", others)} registered but not a web instance of this environment", ct => elb.DeregisterTargetsAsync(group.Arn, others, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
