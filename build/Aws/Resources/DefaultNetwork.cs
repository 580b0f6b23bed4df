using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The region's default VPC and its default subnets (one per availability zone), where the load balancer and its target group live.</summary>
public sealed class DefaultNetwork(AwsContext context)
{
    public async Task<string> VpcIdAsync(CancellationToken cancellationToken)
    {
        var vpcs = await context.Clients.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] }, cancellationToken);
        return vpcs.Vpcs?.FirstOrDefault()?.VpcId
            ?? throw new InvalidOperationException($"The region {context.Region} has no default VPC, where the load balancer goes: make one with 'aws ec2 create-default-vpc'.");
    }

    public async Task<IReadOnlyList<string>> SubnetIdsAsync(CancellationToken cancellationToken)
    {
        var vpcId = await VpcIdAsync(cancellationToken);
        var subnets = await context.Clients.Ec2.DescribeSubnetsAsync(
            new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpcId]), new Filter("default-for-az", ["true"])] }, cancellationToken);
        var ids = (subnets.Subnets ?? []).OrderBy(subnet => subnet.AvailabilityZone).Select(subnet => subnet.SubnetId).ToList();
        return ids.Count >= 2
            ? ids
            : throw new InvalidOperationException($"The default VPC {vpcId} has {ids.Count} default subnet(s); a load balancer needs two in different availability zones: make them with 'aws ec2 create-default-subnet'.");
    }
}
