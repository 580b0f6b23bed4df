using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// The names and tags of one environment's AWS resources. Every resource carries the tags
/// Project, Environment and Name and is found again by them (or by its unique name where the
/// service has no tag search): there is no local state file.
/// </summary>
public sealed class AwsNames(DeploySettings settings)
{
    public string Project => settings.Site.Name;

    public string Environment => settings.Environment;

    public string Prefix => $"{Project}-{Environment}";

    public string WebGroup => Prefix + "-web";

    public string DatabaseGroup => Prefix + "-db";

    /// <summary>The web host of index 1, 2, ...: the first keeps the name of a one-host environment, so that adding hosts renames nothing.</summary>
    public string WebHost(int index) => index == 1 ? Prefix + "-web" : $"{Prefix}-web-{index}";

    public IEnumerable<string> WebHosts(int count) => Enumerable.Range(1, count).Select(WebHost);

    public string Database => Prefix + "-db";

    public string Role => Prefix + "-web";

    public string InstanceProfile => Prefix + "-web";

    /// <summary>The managed policy that bounds the role: whatever its inline policy says, the role can do no more than this.</summary>
    public string RoleBoundary => Prefix + "-web-boundary";

    public string LoadBalancer => Prefix + "-web";

    public string LoadBalancerGroup => Prefix + "-lb";

    public string TargetGroup => Prefix + "-web";

    /// <summary>The ECR repository of the site's images.</summary>
    public string Repository => Prefix;

    public const string BucketPolicyName = "site-bucket";

    public IReadOnlyDictionary<string, string> Tags(string name) => new Dictionary<string, string>
    {
        ["Project"] = Project,
        ["Environment"] = Environment,
        ["Name"] = name,
    };
}
