using System.Text.Json.Nodes;
using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The ECR repository of the site's images (Site.Runtime=container): tagged, tags immutable (an
/// image is named after its release id, which never names another image), scanned on push, and a
/// lifecycle policy that keeps the newest Container.KeepImages images.
/// </summary>
public sealed class RepositoryResource(AwsContext context) : IAwsResource
{
    public const string TagMutability = "IMMUTABLE";

    /// <summary>ECR's lifecycle policy: every image beyond the newest <paramref name="keep"/> expires.</summary>
    public static string LifecyclePolicy(int keep) => new JsonObject
    {
        ["rules"] = new JsonArray(new JsonObject
        {
            ["rulePriority"] = 1,
            ["description"] = $"keep the newest {keep} images",
            ["selection"] = new JsonObject { ["tagStatus"] = "any", ["countType"] = "imageCountMoreThan", ["countNumber"] = keep },
            ["action"] = new JsonObject { ["type"] = "expire" },
        }),
    }.ToJsonString();

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var ecr = context.Clients.Registry;
        var name = context.Names.Repository;
        var resource = "ECR repository " + name;
        var keep = context.Settings.Container.KeepImages;
        var policy = LifecyclePolicy(keep);
        var tags = context.Names.Tags(name);
        var repository = await ecr.DescribeRepositoryAsync(name, cancellationToken);
        if (repository is null)
        {
            return ResourceChange.Create(resource, $"tags immutable, scanned on push, keeping the newest {keep} images", async ct =>
            {
                await ecr.CreateRepositoryAsync(new EcrRepositorySpec(name, TagMutability, ScanOnPush: true, tags), ct);
                await ecr.PutLifecyclePolicyAsync(name, policy, ct);
            });
        }

        var actualTags = await ecr.TagsAsync(repository.Arn, cancellationToken);
        context.RequireOurs(resource, actualTags);
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        if (actualTags.GetValueOrDefault("Name") != name)
        {
            fixes.Add(("tag Name", ct => ecr.TagAsync(repository.Arn, tags, ct)));
        }

        if (repository.TagMutability != TagMutability)
        {
            fixes.Add(($"tags {repository.TagMutability.ToLowerInvariant()}, not immutable", ct => ecr.PutTagMutabilityAsync(name, TagMutability, ct)));
        }

        if (!repository.ScanOnPush)
        {
            fixes.Add(("scan on push off", ct => ecr.PutScanOnPushAsync(name, true, ct)));
        }

        var actualPolicy = await ecr.GetLifecyclePolicyAsync(name, cancellationToken);
        if (!PolicyDocument.SameAs(actualPolicy, policy))
        {
            fixes.Add((actualPolicy is null ? "no lifecycle policy" : $"lifecycle policy differs from keeping the newest {keep} images",
                ct => ecr.PutLifecyclePolicyAsync(name, policy, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
