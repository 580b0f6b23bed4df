using Amazon.EC2.Model;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>One web host's name, Elastic IP and public DNS name; null where it does not exist (yet).</summary>
public sealed record WebHostOutput(string Name, string? Address, string? PublicDns)
{
    public override string ToString() => $"web host {Address ?? "(none)"} ({Name}{(PublicDns is null ? "" : ", " + PublicDns)})";
}

/// <summary>
/// What the AWS provisioning made that later steps need: the web hosts' Elastic IPs and public DNS
/// names, the database's endpoint, the bucket, and with Site.Runtime=container the ECR repository's
/// URI (REGISTRY/NAME, where images are pushed and pulled), and with Aws.LoadBalancer the load balancer's DNS name
/// (where the site's DNS points). Null where the resource does not exist (yet).
/// </summary>
public sealed record AwsOutputs(IReadOnlyList<WebHostOutput> WebHosts, string? DatabaseAddress, int? DatabasePort, string BucketName, string? RepositoryUri = null)
{
    public string? LoadBalancerDns { get; init; }

    /// <summary>Finds the outputs by the resources' tags and names, with Describe calls only (for runs where Provision did not run).</summary>
    public static async Task<AwsOutputs> LookUpAsync(AwsServices aws, DeploySettings settings, CancellationToken cancellationToken)
    {
        var lookup = new AwsLookup(aws, new AwsNames(settings));
        var webHosts = new List<WebHostOutput>();
        foreach (var name in lookup.Names.WebHosts(settings.Aws.WebInstances))
        {
            var address = await lookup.FindAddressAsync(name, cancellationToken);
            var instance = await lookup.FindInstanceAsync(name, cancellationToken);
            webHosts.Add(new WebHostOutput(name, address?.PublicIp, string.IsNullOrEmpty(instance?.PublicDnsName) ? null : instance.PublicDnsName));
        }

        var database = await aws.Rds.DescribeDbInstanceAsync(lookup.Names.Database, cancellationToken);
        var repository = settings.Site.Runtime == SiteRuntime.Container ? await aws.Registry.DescribeRepositoryAsync(lookup.Names.Repository, cancellationToken) : null;
        return new AwsOutputs(
            webHosts,
            database?.EndpointAddress,
            database?.EndpointPort,
            settings.Aws.BucketName,
            repository?.Uri)
        {
            LoadBalancerDns = settings.Aws.LoadBalancer ? (await aws.LoadBalancing.FindLoadBalancerAsync(lookup.Names.LoadBalancer, cancellationToken))?.DnsName : null,
        };
    }

    public override string ToString() =>
        string.Join("; ", WebHosts) + "; " +
        $"database {DatabaseAddress ?? "(not available yet)"}{(DatabasePort is null ? "" : $":{DatabasePort}")}; bucket {BucketName}" +
        (RepositoryUri is null ? "" : $"; images {RepositoryUri}") +
        (LoadBalancerDns is null ? "" : $"; load balancer {LoadBalancerDns} (the site's DNS names point here)");
}

/// <summary>Finds an environment's EC2 resources by their Project, Environment and Name tags.</summary>
public sealed class AwsLookup(AwsServices aws, AwsNames names)
{
    private static readonly string[] LiveInstanceStates = ["pending", "running", "stopping", "stopped"];

    public AwsNames Names => names;

    public List<Filter> TagFilters(string name) =>
        names.Tags(name).Select(tag => new Filter("tag:" + tag.Key, [tag.Value])).ToList();

    /// <summary>The web instance of that name, unless terminated.</summary>
    public async Task<Instance?> FindInstanceAsync(string name, CancellationToken cancellationToken)
    {
        var filters = TagFilters(name);
        filters.Add(new Filter("instance-state-name", LiveInstanceStates.ToList()));
        var reply = await aws.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = filters }, cancellationToken);
        return reply.Reservations?.SelectMany(reservation => reservation.Instances ?? []).FirstOrDefault();
    }

    public async Task<Address?> FindAddressAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await aws.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = TagFilters(name) }, cancellationToken);
        return reply.Addresses?.FirstOrDefault();
    }
}
