namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The internet-facing Application Load Balancer in the default VPC's subnets, behind its own security group only.</summary>
public sealed class LoadBalancerResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var elb = context.Clients.LoadBalancing;
        var name = context.Names.LoadBalancer;
        var resource = "load balancer " + name;
        state.LoadBalancer = await elb.FindLoadBalancerAsync(name, cancellationToken);
        if (state.LoadBalancer is not { } loadBalancer)
        {
            var subnets = await new DefaultNetwork(context).SubnetIdsAsync(cancellationToken);
            return ResourceChange.Create(resource, $"application, internet-facing, in {string.Join(", ", subnets)}, group {context.Names.LoadBalancerGroup}", async ct =>
                state.LoadBalancer = await elb.CreateLoadBalancerAsync(name, subnets, state.LoadBalancerGroupId!, context.Names.Tags(name), ct));
        }

        context.RequireOurs(resource, await elb.TagsAsync(loadBalancer.Arn, cancellationToken));
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        if (state.LoadBalancerGroupId is null || !loadBalancer.SecurityGroups.SequenceEqual([state.LoadBalancerGroupId]))
        {
            fixes.Add(($"security groups {string.Join(", ", loadBalancer.SecurityGroups)}, not {context.Names.LoadBalancerGroup} only",
                ct => elb.SetSecurityGroupsAsync(loadBalancer.Arn, state.LoadBalancerGroupId!, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
