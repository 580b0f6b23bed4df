using Amazon.EC2;
using Amazon.EC2.Model;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>A security group found by its tags, holding exactly the ingress rules the settings want.</summary>
public sealed class SecurityGroupResource(
    AwsContext context, string name, string description, Func<ProvisioningState, IReadOnlyList<IngressRule>> wanted, Action<ProvisioningState, string> found) : IAwsResource
{
    /// <summary>The web host's group: SSH from the operators (host bits cleared), HTTP and HTTPS from anywhere.</summary>
    public static SecurityGroupResource Web(AwsContext context) => new(
        context,
        context.Names.WebGroup,
        "Web host: SSH from the operators, HTTP and HTTPS from anywhere",
        _ => OperatorBlocks(context.Aws).Select(cidr => IngressRule.FromCidr(22, cidr))
            .Concat(new[] { 80, 443 }.SelectMany(port => new[] { IngressRule.FromCidr(port, "0.0.0.0/0"), IngressRule.FromCidr(port, "::/0") }))
            .ToList(),
        (state, id) => state.WebGroupId = id);

    /// <summary>The database's group: PostgreSQL from the web group, and from the operators only if the database is public.</summary>
    public static SecurityGroupResource Database(AwsContext context) => new(
        context,
        context.Names.DatabaseGroup,
        "Database: PostgreSQL from the web group only",
        state => new[] { IngressRule.FromGroup(context.Settings.Database.Port, state.WebGroupId) }
            .Concat(context.Aws.DatabasePubliclyAccessible ? OperatorBlocks(context.Aws).Select(cidr => IngressRule.FromCidr(context.Settings.Database.Port, cidr)) : [])
            .ToList(),
        (state, id) => state.DatabaseGroupId = id);

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
