using System.Text;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>An ECR repository as DescribeRepositories reports it: only what the suite reads.</summary>
public sealed record EcrRepository(string Name, string Arn, string Uri, string TagMutability, bool ScanOnPush);

/// <summary>What CreateRepository is given.</summary>
public sealed record EcrRepositorySpec(string Name, string TagMutability, bool ScanOnPush, IReadOnlyDictionary<string, string> Tags);

/// <summary>The ECR calls the suite makes.</summary>
public interface IEcrClient
{
    /// <summary>The repository, or null when ECR answers RepositoryNotFoundException.</summary>
    Task<EcrRepository?> DescribeRepositoryAsync(string name, CancellationToken cancellationToken);

    Task<EcrRepository> CreateRepositoryAsync(EcrRepositorySpec spec, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>> TagsAsync(string repositoryArn, CancellationToken cancellationToken);

    Task TagAsync(string repositoryArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    Task PutTagMutabilityAsync(string name, string tagMutability, CancellationToken cancellationToken);

    Task PutScanOnPushAsync(string name, bool scanOnPush, CancellationToken cancellationToken);

    /// <summary>The lifecycle policy's text, or null when the repository has none.</summary>
    Task<string?> GetLifecyclePolicyAsync(string name, CancellationToken cancellationToken);

    Task PutLifecyclePolicyAsync(string name, string policyText, CancellationToken cancellationToken);

    /// <summary>
    /// A login for the account's registry (its address from the reply's proxyEndpoint, the password
    /// valid 12 hours). The token is base64 of "USER:PASSWORD"; the password is
    /// handed to <paramref name="keep"/> (the run's redactor) before anything else sees it.
    /// </summary>
    Task<RegistryLogin> GetLoginAsync(Func<string, Secret> keep, CancellationToken cancellationToken);
}

/// <summary>Amazon ECR over the JSON 1.1 protocol, API version 2015-09-21.</summary>
public sealed class EcrClient(JsonClient client) : IEcrClient
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921";

    public async Task<EcrRepository?> DescribeRepositoryAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await client.CallAsync("DescribeRepositories", new JsonObject { ["repositoryNames"] = new JsonArray(name) }, cancellationToken);
            return (reply["repositories"] as JsonArray ?? []).OfType<JsonObject>().Select(Read).FirstOrDefault();
        }
        catch (AwsQueryException error) when (error.Code == "RepositoryNotFoundException")
        {
            return null;
        }
    }

    public async Task<EcrRepository> CreateRepositoryAsync(EcrRepositorySpec spec, CancellationToken cancellationToken)
    {
        var reply = await client.CallAsync("CreateRepository", new JsonObject
        {
            ["repositoryName"] = spec.Name,
            ["imageTagMutability"] = spec.TagMutability,
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = spec.ScanOnPush },
            ["tags"] = Tags(spec.Tags),
        }, cancellationToken);
        return Read(reply["repository"] as JsonObject ?? throw new InvalidOperationException("ECR CreateRepository replied without a repository."));
    }

    public async Task<IReadOnlyDictionary<string, string>> TagsAsync(string repositoryArn, CancellationToken cancellationToken)
    {
        var reply = await client.CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = repositoryArn }, cancellationToken);
        return (reply["tags"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(tag => tag["Key"]?.GetValue<string>() ?? "", tag => tag["Value"]?.GetValue<string>() ?? "");
    }

    public Task TagAsync(string repositoryArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.CallAsync("TagResource", new JsonObject { ["resourceArn"] = repositoryArn, ["tags"] = Tags(tags) }, cancellationToken);

    public Task PutTagMutabilityAsync(string name, string tagMutability, CancellationToken cancellationToken) =>
        client.CallAsync("PutImageTagMutability", new JsonObject { ["repositoryName"] = name, ["imageTagMutability"] = tagMutability }, cancellationToken);

    public Task PutScanOnPushAsync(string name, bool scanOnPush, CancellationToken cancellationToken) =>
        client.CallAsync("PutImageScanningConfiguration",
            new JsonObject { ["repositoryName"] = name, ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = scanOnPush } }, cancellationToken);

    public async Task<string?> GetLifecyclePolicyAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await client.CallAsync("GetLifecyclePolicy", new JsonObject { ["repositoryName"] = name }, cancellationToken);
            return reply["lifecyclePolicyText"]?.GetValue<string>();
        }
        catch (AwsQueryException error) when (error.Code == "LifecyclePolicyNotFoundException")
        {
            return null;
        }
    }

    public Task PutLifecyclePolicyAsync(string name, string policyText, CancellationToken cancellationToken) =>
        client.CallAsync("PutLifecyclePolicy", new JsonObject { ["repositoryName"] = name, ["lifecyclePolicyText"] = policyText }, cancellationToken);

    public async Task<RegistryLogin> GetLoginAsync(Func<string, Secret> keep, CancellationToken cancellationToken)
    {
        var reply = await client.CallAsync("GetAuthorizationToken", [], cancellationToken);
        var data = (reply["authorizationData"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault()
            ?? throw new InvalidOperationException("ECR GetAuthorizationToken replied without authorizationData.");
        var token = data["authorizationToken"]?.GetValue<string>() ?? "";
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("ECR GetAuthorizationToken replied with a token that is not base64.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new InvalidOperationException("ECR GetAuthorizationToken replied with a token that is not USER:PASSWORD.");
        }

        var password = keep(decoded[(colon + 1)..]);
        var endpoint = data["proxyEndpoint"]?.GetValue<string>() ?? "";
        var registry = Uri.TryCreate(endpoint, UriKind.Absolute, out var url) ? url.Authority : endpoint;
        return new RegistryLogin(registry, decoded[..colon], password);
    }

    private static JsonArray Tags(IReadOnlyDictionary<string, string> tags) =>
        new(tags.Select(tag => (JsonNode)new JsonObject { ["Key"] = tag.Key, ["Value"] = tag.Value }).ToArray());

    private static EcrRepository Read(JsonObject repository) => new(
        repository["repositoryName"]?.GetValue<string>() ?? "",
        repository["repositoryArn"]?.GetValue<string>() ?? "",
        repository["repositoryUri"]?.GetValue<string>() ?? "",
        repository["imageTagMutability"]?.GetValue<string>() ?? "",
        repository["imageScanningConfiguration"]?["scanOnPush"]?.GetValue<bool>() == true);
}
