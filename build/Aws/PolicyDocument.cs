using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Aws;

/// <summary>One Allow statement of an IAM policy: actions on resources, optionally under a condition.</summary>
public sealed record PolicyStatement(string Sid, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, JsonObject? Condition = null);

/// <summary>IAM policy documents as typed data, written as the JSON IAM reads.</summary>
public static class PolicyDocument
{
    public static string Write(IEnumerable<PolicyStatement> statements) =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(statements.Select(statement =>
            {
                var node = new JsonObject
                {
                    ["Sid"] = statement.Sid,
                    ["Effect"] = "Allow",
                    ["Action"] = new JsonArray(statement.Actions.Select(action => (JsonNode)JsonValue.Create(action)!).ToArray()),
                    ["Resource"] = new JsonArray(statement.Resources.Select(resource => (JsonNode)JsonValue.Create(resource)!).ToArray()),
                };
                if (statement.Condition is not null)
                {
                    node["Condition"] = statement.Condition.DeepClone();
                }

                return (JsonNode)node;
            }).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Whether two policy documents say the same, whatever their layout.</summary>
    public static bool SameAs(string? left, string? right) =>
        !string.IsNullOrWhiteSpace(left) && !string.IsNullOrWhiteSpace(right) && JsonNode.DeepEquals(JsonNode.Parse(left), JsonNode.Parse(right));

    /// <summary>Lets EC2 instances take the role: the instance profile's trust policy.</summary>
    public static string Ec2TrustPolicy() =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["Service"] = "ec2.amazonaws.com" },
                ["Action"] = "sts:AssumeRole",
            }),
        }.ToJsonString();

    /// <summary>
    /// What the web instances may do: read and write the site's bucket; with a repository (Site.Runtime=container)
    /// also pull its images (ECR's login is account-wide, so GetAuthorizationToken takes "*"); nothing else.
    /// </summary>
    public static string WebRolePolicy(string bucket, string? repositoryArn) => Write(
    [
        new("ListTheSiteBucket", ["s3:ListBucket"], [$"arn:aws:s3:::{bucket}"]),
        new("ReadWriteTheSiteObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [$"arn:aws:s3:::{bucket}/*"]),
        .. repositoryArn is null ? Array.Empty<PolicyStatement>() :
        [
            new("LogInToTheRegistry", [EcrActions.Login], ["*"]),
            new("PullTheSiteImages", EcrActions.Pull, [repositoryArn]),
        ],
    ]);
}

/// <summary>The ECR actions the suite and the web hosts call, named once for the policies and their tests.</summary>
public static class EcrActions
{
    public const string Login = "ecr:GetAuthorizationToken";

    /// <summary>What a pull of an image needs besides the login.</summary>
    public static readonly IReadOnlyList<string> Pull = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

    /// <summary>What a push of an image needs besides the login (the docker client's layer uploads and the manifest).</summary>
    public static readonly IReadOnlyList<string> Push =
        ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"];

    /// <summary>What Plan and Provision call on the repository (RepositoryResource, AwsOutputs); CreateRepository with tags also authorizes TagResource.</summary>
    public static readonly IReadOnlyList<string> Provision =
    [
        "ecr:DescribeRepositories", "ecr:CreateRepository", "ecr:ListTagsForResource", "ecr:TagResource", "ecr:PutImageTagMutability",
        "ecr:PutImageScanningConfiguration", "ecr:GetLifecyclePolicy", "ecr:PutLifecyclePolicy",
    ];

    public static string RepositoryArn(string region, string account, string repository) => $"arn:aws:ecr:{region}:{account}:repository/{repository}";
}
