using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// One AWS call as moto's recorder saw it arrive, whoever made it (the AWS SDK's clients or the
/// suite's own): the service from the signature's credential scope, the operation from the Query
/// body's Action, the JSON protocol's X-Amz-Target, or, for S3's REST calls, the method and path.
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

        // S3's REST calls: reading is GET and HEAD; the path and query say which sub-resource.
        var url = new Uri(entry["url"]!.GetValue<string>());
        return new EmulatorCall(service, $"{method} {url.PathAndQuery}", method is "GET" or "HEAD");
    }

    public override string ToString() => $"{Service}:{Operation}";

    private static EmulatorCall Named(string service, string operation) =>
        new(service, operation, operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal));
}
