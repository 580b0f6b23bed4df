using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;
using Amazon.EC2.Model;
using Ec2Tag = Amazon.EC2.Model.Tag;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// One AWS resource of the environment: it reads what exists, records in the state what later
/// resources need (an id, the instance), and says what would change. Plan and Provision run the
/// same resources in the same loop; only Provision applies the changes.
/// </summary>
public interface IAwsResource
{
    Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken);
}

/// <summary>
/// What the resources learn from each other during one Plan or Provision, in the order the loop
/// visits them, and the waits that may run side by side once everything has been asked for.
/// </summary>
public sealed class ProvisioningState
{
    private readonly List<Func<CancellationToken, Task>> _waits = [];

    public string? WebGroupId { get; set; }

    public string? DatabaseGroupId { get; set; }

    public Instance? Instance { get; set; }

    public string? PublicIp { get; set; }

    public DbInstance? Database { get; set; }

    public string? ParameterGroupName { get; set; }

    /// <summary>The account's IAM ARN prefix (arn:PARTITION:iam::ACCOUNT:), from the caller's identity.</summary>
    public string IamArnPrefix { get; set; } = "";

    public string RoleBoundaryArn(AwsNames names) => $"{IamArnPrefix}policy/{names.RoleBoundary}";

    /// <summary>Keeps a wait for the end, so that it overlaps with the others and nothing else waits for it.</summary>
    public void WaitAtTheEnd(Func<CancellationToken, Task> wait) => _waits.Add(wait);

    public Task WaitForAllAsync(CancellationToken cancellationToken) => Task.WhenAll(_waits.Select(wait => wait(cancellationToken)));
}

/// <summary>What every resource works with: the settings, the clients, how to wait and where to report.</summary>
public sealed class AwsContext(DeploySettings settings, string repositoryRoot, AwsServices aws, WaitOptions wait, IAwsLog log)
{
    public DeploySettings Settings => settings;

    public AwsSettings Aws => settings.Aws;

    public AwsServices Clients => aws;

    public WaitOptions Wait => wait;

    public IAwsLog Log => log;

    public AwsNames Names { get; } = new(settings);

    public AwsLookup Lookup { get; } = new(aws, new AwsNames(settings));

    public string PathInRepository(string path) => Path.Combine(repositoryRoot, path);

    public string Region => aws.Ec2.Config.RegionEndpoint?.SystemName ?? settings.Aws.Region;

    public List<TagSpecification> TagSpecification(Amazon.EC2.ResourceType type, string name) =>
        [new TagSpecification { ResourceType = type, Tags = Names.Tags(name).Select(tag => new Ec2Tag(tag.Key, tag.Value)).ToList() }];

    /// <summary>Refuses a resource found by name that carries another project's or environment's tags.</summary>
    public void RequireOurs(string resource, IReadOnlyDictionary<string, string> tags)
    {
        if (!tags.TryGetValue("Project", out var project) || project != Names.Project || !tags.TryGetValue("Environment", out var environment) || environment != Names.Environment)
        {
            throw new InvalidOperationException(
                $"{resource} exists but is not tagged Project={Names.Project}, Environment={Names.Environment}: it belongs to something else. Rename the site or environment, or tag it if it is this one's.");
        }
    }
}
