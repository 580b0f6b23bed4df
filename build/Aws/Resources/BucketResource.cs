using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using CoralNet.Deploy.Templates;
using S3Tag = Amazon.S3.Model.Tag;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The site's media bucket in the settings' region: tagged, CORS for GET, Block Public Access,
/// default encryption (SSE-S3), and the Referer policy only when asked for.
/// </summary>
public sealed class BucketResource(AwsContext context) : IAwsResource
{
    private IAmazonS3 S3 => context.Clients.S3;

    private string Bucket => context.Aws.BucketName;

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var resource = "S3 bucket " + Bucket;
        var region = context.Region;
        string? location;
        try
        {
            location = (await S3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = Bucket }, cancellationToken)).Location?.Value;
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchBucket")
        {
            return ResourceChange.Create(resource, $"in {region}, private, encrypted (SSE-S3), tagged, CORS for GET", async ct =>
            {
                var request = new PutBucketRequest { BucketName = Bucket };
                if (region != "us-east-1")
                {
                    request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(region) };
                }

                await S3.PutBucketAsync(request, ct);
                foreach (var (_, fix) in Fixes(BucketState.New))
                {
                    await fix(ct);
                }
            });
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new InvalidOperationException($"The bucket name {Bucket} is taken by another AWS account (S3 said {exception.ErrorCode}): choose another Aws.BucketName.", exception);
        }

        var actualRegion = string.IsNullOrEmpty(location) ? "us-east-1" : location == "EU" ? "eu-west-1" : location;
        if (actualRegion != region)
        {
            throw new InvalidOperationException($"The bucket {Bucket} is in {actualRegion}, not in {region}: a bucket cannot move; choose another Aws.BucketName or region.");
        }

        var tags = await Optional(() => S3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = Bucket }, cancellationToken), "NoSuchTagSet");
        var cors = await Optional(() => S3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = Bucket }, cancellationToken), "NoSuchCORSConfiguration");
        var block = await Optional(() => S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = Bucket }, cancellationToken), "NoSuchPublicAccessBlockConfiguration");
        var encryption = await Optional(() => S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = Bucket }, cancellationToken), "ServerSideEncryptionConfigurationNotFoundError");
        var policy = await Optional(() => S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = Bucket }, cancellationToken), "NoSuchBucketPolicy");
        return ResourceChange.Update(resource, Fixes(new BucketState(
            tags?.TagSet?.ToDictionary(tag => tag.Key, tag => tag.Value) ?? [],
            cors?.Configuration?.Rules ?? [],
            block?.PublicAccessBlockConfiguration,
            encryption?.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.Select(rule => rule.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value).OfType<string>().ToList() ?? [],
            PolicyText(policy))).ToList());
    }

    /// <summary>
    /// The policy document, or empty when the bucket has none: the SDK answers that case with HTTP 404
    /// and S3's NoSuchBucketPolicy error document in Policy, without throwing.
    /// </summary>
    private static string PolicyText(GetBucketPolicyResponse? reply) =>
        reply is null || reply.HttpStatusCode == HttpStatusCode.NotFound || string.IsNullOrWhiteSpace(reply.Policy) ? "" : reply.Policy;

    /// <summary>What S3 says of an existing bucket's settings; every attribute is missing on a new one.</summary>
    private sealed record BucketState(
        Dictionary<string, string> Tags, List<CORSRule> Cors, PublicAccessBlockConfiguration? Block, List<string> Encryption, string Policy)
    {
        public static BucketState New { get; } = new([], [], null, [], "");
    }

    /// <summary>The bucket attributes that differ from the settings (all of them for a new bucket).</summary>
    private IEnumerable<(string, Func<CancellationToken, Task>)> Fixes(BucketState actual)
    {
        var wantedTags = context.Names.Tags(Bucket);
        if (wantedTags.Any(tag => !actual.Tags.TryGetValue(tag.Key, out var value) || value != tag.Value))
        {
            yield return ("tags", ct => S3.PutBucketTaggingAsync(new PutBucketTaggingRequest
            {
                BucketName = Bucket,
                TagSet = actual.Tags.Where(tag => !wantedTags.ContainsKey(tag.Key)).Concat(wantedTags).Select(tag => new S3Tag { Key = tag.Key, Value = tag.Value }).ToList(),
            }, ct));
        }

        if (actual.Cors.Count != 1 || !IsWantedCors(actual.Cors[0]))
        {
            yield return ("CORS (GET from any origin, Authorization header, max age 3000s)", ct => S3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = Bucket,
                Configuration = new CORSConfiguration { Rules = [WantedCors()] },
            }, ct));
        }

        // The referer policy is public, so it needs the two policy-related blocks off; ACLs stay blocked.
        var publicPolicy = context.Aws.BucketRefererPolicy;
        var block = actual.Block;
        if (block is null || block.BlockPublicAcls != true || block.IgnorePublicAcls != true || block.BlockPublicPolicy != !publicPolicy || block.RestrictPublicBuckets != !publicPolicy)
        {
            yield return (publicPolicy ? "Block Public Access (ACLs blocked, public policy allowed)" : "Block Public Access (all on)", ct => S3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = Bucket,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                {
                    BlockPublicAcls = true,
                    IgnorePublicAcls = true,
                    BlockPublicPolicy = !publicPolicy,
                    RestrictPublicBuckets = !publicPolicy,
                },
            }, ct));
        }

        if (actual.Encryption.Count == 0)
        {
            yield return ("default encryption (SSE-S3)", ct => S3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = Bucket,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = [new ServerSideEncryptionRule { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } }],
                },
            }, ct));
        }

        if (publicPolicy)
        {
            var wanted = TemplateRenderer.Render("bucket-referer-policy.json", new Dictionary<string, string> { ["Bucket"] = Bucket, ["Domain"] = context.Settings.Site.Domain });
            if (!PolicyDocument.SameAs(actual.Policy, wanted))
            {
                yield return ("bucket policy (public read for the site's Referer)", ct => S3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = Bucket, Policy = wanted }, ct));
            }
        }
        else if (actual.Policy.Length > 0)
        {
            yield return ("bucket policy present, none wanted", ct => S3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = Bucket }, ct));
        }
    }

    private static CORSRule WantedCors() => new()
    {
        AllowedMethods = ["GET"],
        AllowedOrigins = ["*"],
        AllowedHeaders = ["Authorization"],
        MaxAgeSeconds = 3000,
    };

    private static bool IsWantedCors(CORSRule rule) =>
        (rule.AllowedMethods ?? []).SequenceEqual(["GET"])
        && (rule.AllowedOrigins ?? []).SequenceEqual(["*"])
        && (rule.AllowedHeaders ?? []).SequenceEqual(["Authorization"])
        && rule.MaxAgeSeconds == 3000;

    private static async Task<T?> Optional<T>(Func<Task<T>> get, string absentCode)
        where T : class
    {
        try
        {
            return await get();
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == absentCode)
        {
            return null;
        }
    }
}
