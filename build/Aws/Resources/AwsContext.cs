using Amazon.EC2.Model;
using CoralNet.Deploy.Settings;
using Ec2Tag = Amazon.EC2.Model.Tag;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>What every resource works with: the settings, the clients, how to wait and where to report.</summary>
public sealed class AwsContext(DeploySettings settings, string repositoryRoot, AwsServices aws, WaitOptions wait, IAwsLog log)
{
    public DeploySettings Settings => settings;

    public AwsSettings Aws => settings.Aws;

    public AwsServices Clients => aws;

    public WaitOptions Wait => wait;

    public IAwsLog Log => log;

    public AwsNames Names { get; } = new(settings);

    public AwsLookup Lookup => new(aws, Names);

    /// <summary>The ECR repository's ARN when the environment has one (Site.Runtime=container), else null.</summary>
    public string? RepositoryArn => settings.Site.Runtime == SiteRuntime.Container ? EcrActions.RepositoryArn(Region, "*", Names.Repository) : null;

    /// <summary>The web role's inline policy, which is also its permissions boundary.</summary>
    public string WebRolePolicy => PolicyDocument.WebRolePolicy(settings.Aws.BucketName, RepositoryArn);

    /// <summary>What the web role may do, in a few words.</summary>
    public string WebRoleScope => $"s3://{settings.Aws.BucketName}" + (RepositoryArn is null ? "" : $" and pulls from ECR {Names.Repository}");

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
