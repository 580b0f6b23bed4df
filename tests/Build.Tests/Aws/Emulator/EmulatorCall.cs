using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// One AWS call as moto's recorder saw it arrive, whoever made it (the AWS SDK's clients or the
/// suite's own): the service from the signature's credential scope, the operation from the Query
/// body's Action, the JSON protocol's X-Amz-Target, or, for S3's REST calls, the IAM action its
/// method and sub-resource stand for (so that every call is named as an IAM policy names it).
/// </summary>
public sealed partial record EmulatorCall(string Service, string Operation, bool IsRead)
{
    [GeneratedRegex(@"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")]
    private static partial Regex CredentialScope();

    [GeneratedRegex(@"(?:^|&)Action=(\w+)")]
    private static partial Regex QueryAction();

    /// <summary>Reads one line of moto's recording (JSON: method, url, headers, body, body_encoded).</summary>
    public static EmulatorCall Parse(string line)
    {
        var entry = JsonNode.Parse(line)!;
        var method = entry["method"]!.GetValue<string>();
        var headers = entry["headers"]!.AsObject().ToDictionary(header => header.Key, header => header.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase);
        var scope = CredentialScope().Match(headers.GetValueOrDefault("Authorization", ""));
        var service = scope.Success ? scope.Groups[1].Value : "unsigned";
        var body = entry["body"]?.GetValue<string>() ?? "";
        if (entry["body_encoded"]?.GetValue<bool>() == true)
        {
            body = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        if (QueryAction().Match(body) is { Success: true } action)
        {
            return Named(service, action.Groups[1].Value);
        }

        if (headers.TryGetValue("X-Amz-Target", out var target))
        {
            return Named(service, target[(target.LastIndexOf('.') + 1)..]);
        }

        // S3's REST calls: reading is GET and HEAD; the method and the sub-resource in the query say which action.
        var url = new Uri(entry["url"]!.GetValue<string>());
        var subresource = url.Query.TrimStart('?').Split('&')[0].Split('=')[0];
        return new EmulatorCall(service, S3Action(method, subresource) ?? $"{method} {url.PathAndQuery}", method is "GET" or "HEAD");
    }

    /// <summary>The IAM action of an S3 call on a bucket, as the deploy policy names it; null for one not listed here.</summary>
    private static string? S3Action(string method, string subresource) => (method, subresource) switch
    {
        ("PUT", "") => "CreateBucket",
        ("HEAD", "") => "ListBucket",
        ("GET", "location") => "GetBucketLocation",
        ("GET", "tagging") => "GetBucketTagging",
        ("PUT", "tagging") => "PutBucketTagging",
        ("GET", "cors") => "GetBucketCORS",
        ("PUT" or "DELETE", "cors") => "PutBucketCORS",
        ("GET", "publicAccessBlock") => "GetBucketPublicAccessBlock",
        ("PUT" or "DELETE", "publicAccessBlock") => "PutBucketPublicAccessBlock",
        ("GET", "encryption") => "GetEncryptionConfiguration",
        ("PUT" or "DELETE", "encryption") => "PutEncryptionConfiguration",
        ("GET", "versioning") => "GetBucketVersioning",
        ("PUT", "versioning") => "PutBucketVersioning",
        ("GET", "ownershipControls") => "GetBucketOwnershipControls",
        ("PUT" or "DELETE", "ownershipControls") => "PutBucketOwnershipControls",
        ("GET", "policy") => "GetBucketPolicy",
        ("PUT", "policy") => "PutBucketPolicy",
        ("DELETE", "policy") => "DeleteBucketPolicy",
        _ => null,
    };

    public override string ToString() => $"{Service}:{Operation}";

    private static EmulatorCall Named(string service, string operation) =>
        new(service, operation, operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal));
}
