using Amazon.EC2;
using Amazon.EC2.Model;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>A security group found by its tags, holding exactly the ingress rules the settings want.</summary>
public sealed class SecurityGroupResource(
    AwsContext context, string name, string description, Func<ProvisioningState, IReadOnlyList<IngressRule>> wanted, Action<ProvisioningState, string> found) : IAwsResource
{
    /// <summary>
    /// The web host's group: SSH from the operators (host bits cleared); HTTP and HTTPS from anywhere,
    /// or, behind a load balancer, HTTP from the load balancer's group only.
    /// </summary>
    public static SecurityGroupResource Web(AwsContext context) => new(
        context,
        context.Names.WebGroup,
        context.Aws.LoadBalancer ? "Web host: SSH from the operators, HTTP from the load balancer" : "Web host: SSH from the operators, HTTP and HTTPS from anywhere",
        state => OperatorBlocks(context.Aws).Select(cidr => IngressRule.FromCidr(22, cidr))
            .Concat(context.Aws.LoadBalancer ? [IngressRule.FromGroup(80, state.LoadBalancerGroupId, "the load balancer's group")] : FromAnywhere(80, 443))
            .ToList(),
        (state, id) => state.WebGroupId = id);

    /// <summary>The load balancer's group: HTTP and HTTPS from anywhere.</summary>
    public static SecurityGroupResource LoadBalancer(AwsContext context) => new(
        context,
        context.Names.LoadBalancerGroup,
        "Load balancer: HTTP and HTTPS from anywhere",
        _ => FromAnywhere(80, 443).ToList(),
        (state, id) => state.LoadBalancerGroupId = id);

    /// <summary>The database's group: PostgreSQL from the web group, and from the operators only if the database is public.</summary>
    public static SecurityGroupResource Database(AwsContext context) => new(
        context,
        context.Names.DatabaseGroup,
        "Database: PostgreSQL from the web group only",
        state => new[] { IngressRule.FromGroup(context.Settings.Database.Port, state.WebGroupId) }
            .Concat(context.Aws.DatabasePubliclyAccessible ? OperatorBlocks(context.Aws).Select(cidr => IngressRule.FromCidr(context.Settings.Database.Port, cidr)) : [])
            .ToList(),
        (state, id) => state.DatabaseGroupId = id);

    private static IEnumerable<IngressRule> FromAnywhere(params int[] ports) =>
        ports.SelectMany(port => new[] { IngressRule.FromCidr(port, "0.0.0.0/0"), IngressRule.FromCidr(port, "::/0") });

    /// <summary>Aws.OperatorCidrs as EC2 holds them: host bits cleared.</summary>
    public static IEnumerable<string> OperatorBlocks(AwsSettings aws) =>
        aws.OperatorCidrs.Select(cidr => OperatorCidr.TryParse(cidr)?.Normalised ?? cidr).Distinct();

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var ec2 = context.Clients.Ec2;
        var resource = "security group " + name;
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = context.Lookup.TagFilters(name) }, cancellationToken);
        var group = groups.SecurityGroups?.FirstOrDefault();
        if (group is null)
        {
            return ResourceChange.Create(resource, "ingress " + string.Join(", ", wanted(state)), async ct =>
            {
                var created = await ec2.CreateSecurityGroupAsync(
                    new CreateSecurityGroupRequest { GroupName = name, Description = description, TagSpecifications = context.TagSpecification(ResourceType.SecurityGroup, name) }, ct);
                found(state, created.GroupId);
                await ec2.AuthorizeSecurityGroupIngressAsync(
                    new AuthorizeSecurityGroupIngressRequest { GroupId = created.GroupId, IpPermissions = wanted(state).Select(rule => rule.ToPermission()).ToList() }, ct);
            });
        }

        found(state, group.GroupId);
        var actual = IngressRule.FromPermissions(group.IpPermissions);
        var rules = wanted(state);
        var differences = rules.Except(actual).Select(rule => $"ingress {rule} missing").Concat(actual.Except(rules).Select(rule => $"ingress {rule} not wanted")).ToList();
        // The rules are worked out again when applied: a group this run makes (the web group) has its id only then.
        return differences.Count == 0
            ? ResourceChange.Unchanged(resource)
            : new ResourceChange(resource, ChangeKind.Update, differences, ct => ReconcileAsync(group.GroupId, actual, wanted(state), ct));
    }

    private async Task ReconcileAsync(string groupId, IReadOnlyList<IngressRule> actual, IReadOnlyList<IngressRule> rules, CancellationToken cancellationToken)
    {
        var ec2 = context.Clients.Ec2;
        foreach (var rule in rules.Except(actual))
        {
            await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = [rule.ToPermission()] }, cancellationToken);
        }

        foreach (var rule in actual.Except(rules))
        {
            await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = [rule.ToPermission()] }, cancellationToken);
        }
    }
}
