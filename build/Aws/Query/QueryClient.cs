using System.Net;
using System.Text;
using System.Xml.Linq;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>Credentials for one signature: what the SDK's default chain resolved.</summary>
public sealed record AwsSigningCredentials(string AccessKey, string SecretKey, string? SessionToken);

/// <summary>An error reply of an AWS API, with AWS's own code and message.</summary>
public sealed class AwsQueryException(string service, string action, HttpStatusCode status, string code, string message, string requestId)
    : Exception($"{service} {action} failed: {code}: {message} (HTTP {(int)status}, request {requestId})")
{
    public string Service { get; } = service;
    public string Action { get; } = action;
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string AwsMessage { get; } = message;
}

/// <summary>The parameters of one call, in order; secret values print as *** in any log.</summary>
public sealed class QueryParameters
{
    private readonly List<(string Name, string Value, bool Secret)> _items = [];

    public QueryParameters Add(string name, string? value)
    {
        if (value is not null)
        {
            _items.Add((name, value, false));
        }

        return this;
    }

    public QueryParameters Add(string name, bool value) => Add(name, value ? "true" : "false");

    public QueryParameters Add(string name, int value) => Add(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public QueryParameters AddSecret(string name, Secret value)
    {
        _items.Add((name, value.Reveal(), true));
        return this;
    }

    /// <summary>A list member: Name.member.1, Name.member.2, ...</summary>
    public QueryParameters AddList(string name, IEnumerable<string> values, string memberName = "member")
    {
        var index = 1;
        foreach (var value in values)
        {
            Add($"{name}.{memberName}.{index++}", value);
        }

        return this;
    }

    /// <summary>Tags as both Query APIs take them: Tags.member.N.Key (IAM) or Tags.Tag.N.Key (RDS).</summary>
    public QueryParameters AddTags(IReadOnlyDictionary<string, string> tags, string memberName)
    {
        var index = 1;
        foreach (var (key, value) in tags)
        {
            Add($"Tags.{memberName}.{index}.Key", key);
            Add($"Tags.{memberName}.{index}.Value", value);
            index++;
        }

        return this;
    }

    internal string FormBody(string action, string version) =>
        string.Join('&', new[] { ("Action", action), ("Version", version) }
            .Concat(_items.Select(item => (item.Name, item.Value)))
            .Select(pair => SigV4.Encode(pair.Item1) + "=" + SigV4.Encode(pair.Item2)));

    /// <summary>What may be logged: names and values, secrets masked.</summary>
    public override string ToString() =>
        string.Join(' ', _items.Select(item => item.Name + "=" + (item.Secret ? Secret.Mask : item.Value)));
}

/// <summary>What a Query client needs besides its endpoint: how to sign, wait and log.</summary>
public sealed record QueryClientOptions(
    Func<CancellationToken, Task<AwsSigningCredentials>> Credentials,
    Func<DateTime> UtcNow,
    Func<TimeSpan, CancellationToken, Task> Delay,
    Action<string> Trace,
    int MaxAttempts = 5);

/// <summary>
/// AWS's Query protocol (RDS, IAM, ELBv2): a form-encoded POST of Action, Version and parameters,
/// signed and retried by <see cref="SignedPost"/>, answered with XML. Error replies become
/// <see cref="AwsQueryException"/>.
/// </summary>
public sealed class QueryClient(HttpClient http, Uri endpoint, string signingRegion, string service, string version, QueryClientOptions options)
{
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly SignedPost _post = new(http, endpoint, signingRegion, service, options);

    public string Service => service;

    /// <summary>Calls <paramref name="action"/> and returns its &lt;ActionResult&gt; element (empty for calls that return nothing).</summary>
    public async Task<XElement> CallAsync(string action, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(parameters.FormBody(action, version));
        var text = await _post.SendAsync(action, body, FormContentType, new Dictionary<string, string>(), parameters.ToString(), (status, reply) => ParseError(action, status, reply), cancellationToken);
        var document = XDocument.Parse(text);
        return document.Root?.Child(action + "Result") ?? new XElement(action + "Result");
    }

    private AwsQueryException ParseError(string action, HttpStatusCode status, string text)
    {
        try
        {
            var root = XDocument.Parse(text).Root;
            var error = root?.Descendants().FirstOrDefault(element => element.Name.LocalName == "Error");
            return new AwsQueryException(
                service,
                action,
                status,
                error?.Child("Code")?.Value ?? status.ToString(),
                error?.Child("Message")?.Value ?? "",
                root?.Descendants().FirstOrDefault(element => element.Name.LocalName == "RequestId")?.Value ?? "");
        }
        catch (System.Xml.XmlException)
        {
            return new AwsQueryException(service, action, status, status.ToString(), ErrorBody.Summary(text), "");
        }
    }
}

/// <summary>An error reply that is not AWS's XML (a proxy's or an emulator's HTML page), cut to one readable line.</summary>
public static class ErrorBody
{
    public static bool IsHtml(string text) =>
        text.TrimStart().StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || text.Contains("<html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The page's title, or its text without tags, on one line of at most 200 characters.</summary>
    public static string Summary(string text)
    {
        var title = System.Text.RegularExpressions.Regex.Match(text, "<title>(.*?)</title>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
        var plain = title.Success ? title.Groups[1].Value : System.Text.RegularExpressions.Regex.Replace(text, "<[^>]*>", " ");
        var line = System.Text.RegularExpressions.Regex.Replace(System.Net.WebUtility.HtmlDecode(plain), @"\s+", " ").Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}

/// <summary>Reading Query replies without caring for their XML namespace (RDS and IAM each have one).</summary>
public static class QueryXml
{
    public static XElement? Child(this XElement element, string name) =>
        element.Elements().FirstOrDefault(child => child.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement element, string name) =>
        element.Elements().Where(child => child.Name.LocalName == name);

    public static string? Text(this XElement element, string name) => element.Child(name)?.Value;

    public static XElement? Path(this XElement element, params string[] names) =>
        names.Aggregate((XElement?)element, (current, name) => current?.Child(name));
}
