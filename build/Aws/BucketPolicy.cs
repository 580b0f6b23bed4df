using System.Text.Json;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// The site bucket's policy: always the statement that denies requests without TLS
/// (aws:SecureTransport false), and the manual setup's public read by Referer when
/// Aws.BucketRefererPolicy asks for it. Each statement is a template.
/// </summary>
public static class BucketPolicy
{
    /// <param name="refererPatterns">The Referers given public read (every name of the site, over the scheme it is served with); null for no such statement.</param>
    public static string Render(string bucket, IReadOnlyList<string>? refererPatterns)
    {
        var values = new Dictionary<string, string> { ["Bucket"] = bucket };
        var statements = new List<JsonNode> { JsonNode.Parse(TemplateRenderer.Render("bucket-tls-only-statement.json", values))! };
        if (refererPatterns is not null)
        {
            statements.Add(JsonNode.Parse(TemplateRenderer.Render("bucket-referer-statement.json", new Dictionary<string, string> { ["Bucket"] = bucket, ["Referers"] = JsonSerializer.Serialize(refererPatterns) }))!);
        }

        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray([.. statements]) }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The Referer patterns of every name of the site, over the scheme it is served with.</summary>
    public static IReadOnlyList<string> RefererPatterns(DeploySettings settings)
    {
        var scheme = settings.Tls.Mode == TlsMode.Off ? "http" : "https";
        return [.. SiteTemplates.Names(settings.Site).Select(name => $"{scheme}://{name}/*")];
    }

    /// <summary>The statements of <paramref name="actual"/> that <paramref name="wanted"/> does not hold, by Sid (or position): what putting the policy removes.</summary>
    public static IReadOnlyList<string> StatementsRemoved(string actual, string wanted)
    {
        if (string.IsNullOrWhiteSpace(actual))
        {
            return [];
        }

        var keep = Statements(wanted).ToList();
        return Statements(actual)
            .Select((statement, index) => (statement, index))
            .Where(pair => !keep.Any(wantedStatement => JsonNode.DeepEquals(wantedStatement, pair.statement)))
            .Select(pair => pair.statement["Sid"]?.GetValue<string>() is { Length: > 0 } sid ? sid : $"statement {pair.index + 1}")
            .ToList();
    }

    private static IEnumerable<JsonNode> Statements(string document) =>
        JsonNode.Parse(document)?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonNode>(),
            JsonObject single => [single],
            _ => [],
        };
}
