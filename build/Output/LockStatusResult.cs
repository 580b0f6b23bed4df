using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Output;

/// <summary>Who holds the deploy lock on each web host, and why (LockStatus); null: nobody.</summary>
public sealed class LockStatusResult(IReadOnlyDictionary<string, string?> holders) : IRunResult
{
    public IEnumerable<string> Lines() => holders.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value ?? "free"}");

    public JsonNode ToJson() => new JsonObject(holders.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value)));
}
