using Amazon.EC2.Model;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// What the AWS provisioning made that later steps need: the web host's Elastic IP and public DNS
/// name, the database's endpoint, the bucket. Null where the resource does not exist (yet).
/// </summary>
public sealed record AwsOutputs(string? WebHostAddress, string? WebHostPublicDns, string? DatabaseAddress, int? DatabasePort, string BucketName)
{
    /// <summary>Finds the outputs by the resources' tags and names, with Describe calls only (for runs where Provision did not run).</summary>
    public static async Task<AwsOutputs> LookUpAsync(AwsServices aws, DeploySettings settings, CancellationToken cancellationToken)
    {
        var lookup = new AwsLookup(aws, new AwsNames(settings));
        var address = await lookup.FindAddressAsync(cancellationToken);
        var instance = await lookup.FindInstanceAsync(cancellationToken);
        var database = await aws.Rds.DescribeDbInstanceAsync(lookup.Names.Database, cancellationToken);
        return new AwsOutputs(
            address?.PublicIp,
            string.IsNullOrEmpty(instance?.PublicDnsName) ? null : instance.PublicDnsName,
            database?.EndpointAddress,
            database?.EndpointPort,
            settings.Aws.BucketName);
    }

    public override string ToString() =>
        $"web host {WebHostAddress ?? "(none)"}{(WebHostPublicDns is null ? "" : $" ({WebHostPublicDns})")}; " +
        $"database {DatabaseAddress ?? "(not available yet)"}{(DatabasePort is null ? "" : $":{DatabasePort}")}; bucket {BucketName}";
}

/// <summary>Finds an environment's EC2 resources by their Project, Environment and Name tags.</summary>
public sealed class AwsLookup(AwsServices aws, AwsNames names)
{
    private static readonly string[] LiveInstanceStates = ["pending", "running", "stopping", "stopped"];

    public AwsNames Names => names;

    public List<Filter> TagFilters(string name) =>
        names.Tags(name).Select(tag => new Filter("tag:" + tag.Key, [tag.Value])).ToList();

    /// <summary>The web instance, unless terminated.</summary>
    public async Task<Instance?> FindInstanceAsync(CancellationToken cancellationToken)
    {
        var filters = TagFilters(names.Instance);
        filters.Add(new Filter("instance-state-name", LiveInstanceStates.ToList()));
        var reply = await aws.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = filters }, cancellationToken);
        return reply.Reservations?.SelectMany(reservation => reservation.Instances ?? []).FirstOrDefault();
    }

    public async Task<Address?> FindAddressAsync(CancellationToken cancellationToken)
    {
        var reply = await aws.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = TagFilters(names.ElasticIp) }, cancellationToken);
        return reply.Addresses?.FirstOrDefault();
    }
}
