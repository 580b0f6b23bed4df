using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>
/// AWS's JSON 1.1 protocol (ECR, as SSM): the request as a JSON object, the operation named by the
/// X-Amz-Target header (TARGETPREFIX.Action), signed and retried by <see cref="SignedPost"/>,
/// answered with JSON. An error reply's __type (its code, after any '#') and message become an
/// <see cref="AwsQueryException"/>. Replies are never traced: some hold credentials.
/// </summary>
public sealed class JsonClient(SignedPost post, string targetPrefix)
{
    public const string ContentType = "application/x-amz-json-1.1";

    public string Service => post.Service;

    public async Task<JsonObject> CallAsync(string action, JsonObject request, CancellationToken cancellationToken)
    {
        var json = request.ToJsonString();
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{targetPrefix}.{action}" };
        var text = await post.SendAsync(action, Encoding.UTF8.GetBytes(json), ContentType, headers, json, (status, reply) => ReadError(action, status, reply), cancellationToken);
        return text.Trim().Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private AwsQueryException ReadError(string action, HttpStatusCode status, string text)
    {
        try
        {
            var error = JsonNode.Parse(text) as JsonObject;
            var type = error?["__type"]?.GetValue<string>() ?? status.ToString();
            var message = (error?["message"] ?? error?["Message"])?.GetValue<string>() ?? "";
            return new AwsQueryException(post.Service, action, status, type[(type.LastIndexOf('#') + 1)..], message, "");
        }
        catch (JsonException)
        {
            return new AwsQueryException(post.Service, action, status, status.ToString(), ErrorBody.Summary(text), "");
        }
    }
}
