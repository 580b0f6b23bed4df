using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Tag = Amazon.S3.Model.Tag;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The site's media bucket in the settings' region: tagged, CORS for GET, Block Public Access,
/// default encryption (SSE-S3), versioning (Aws.BucketVersioning), object ownership
/// BucketOwnerEnforced, and a policy denying requests without TLS (with the Referer statement when asked for).
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
            return ResourceChange.Create(resource, $"in {region}, private, encrypted (SSE-S3), versioned, owner-enforced, TLS only, tagged, CORS for GET", async ct =>
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
        var versioning = await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket }, cancellationToken);
        var ownership = await Optional(() => S3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = Bucket }, cancellationToken), "OwnershipControlsNotFoundError");
        var policy = await Optional(() => S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = Bucket }, cancellationToken), "NoSuchBucketPolicy");
        return ResourceChange.Update(resource, Fixes(new BucketState(
            tags?.TagSet?.ToDictionary(tag => tag.Key, tag => tag.Value) ?? [],
            cors?.Configuration?.Rules ?? [],
            block?.PublicAccessBlockConfiguration,
            encryption?.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?.Select(rule => rule.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value).OfType<string>().ToList() ?? [],
            versioning.VersioningConfig?.Status ?? VersionStatus.Off,
            ownership?.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership,
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
        Dictionary<string, string> Tags, List<CORSRule> Cors, PublicAccessBlockConfiguration? Block, List<string> Encryption,
        VersionStatus Versioning, ObjectOwnership? Ownership, string Policy)
    {
        public static BucketState New { get; } = new([], [], null, [], VersionStatus.Off, null, "");
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

        if (actual.Versioning != (context.Aws.BucketVersioning ? VersionStatus.Enabled : VersionStatus.Suspended)
            && (context.Aws.BucketVersioning || actual.Versioning == VersionStatus.Enabled))
        {
            var status = context.Aws.BucketVersioning ? VersionStatus.Enabled : VersionStatus.Suspended;
            yield return ($"versioning {(status == VersionStatus.Enabled ? "on" : "suspended (S3 cannot turn it off)")}", ct => S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = Bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = status },
            }, ct));
        }

        if (actual.Ownership != ObjectOwnership.BucketOwnerEnforced)
        {
            yield return ("object ownership BucketOwnerEnforced (ACLs off)", ct => S3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
            {
                BucketName = Bucket,
                OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced }] },
            }, ct));
        }

        var wanted = BucketPolicy.Render(Bucket, publicPolicy ? BucketPolicy.RefererPatterns(context.Settings) : null);
        if (!PolicyDocument.SameAs(actual.Policy, wanted))
        {
            var removed = BucketPolicy.StatementsRemoved(actual.Policy, wanted);
            yield return (
                $"bucket policy (deny requests without TLS{(publicPolicy ? "; public read for the site's Referer" : "")})" + (removed.Count > 0 ? $", removing {string.Join(", ", removed)}" : ""),
                ct => S3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = Bucket, Policy = wanted }, ct));
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
