using System.Globalization;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Output;

/// <summary>Each web host's releases (Releases), newest first, the serving one marked, with the gunicorn instances running them.</summary>
public sealed class ReleasesResult(IReadOnlyDictionary<string, ReleaseListing> hosts) : IRunResult
{
    public IEnumerable<string> Lines() => hosts.OrderBy(h => h.Key, StringComparer.Ordinal).SelectMany(host =>
        host.Value.Describe().Select(line => "  " + line)
            .Prepend($"{host.Key}: {(host.Value.Releases.Count == 0 ? "no release" : $"{host.Value.Releases.Count} release(s)")}"));

    public JsonNode ToJson() => new JsonObject(hosts.OrderBy(h => h.Key, StringComparer.Ordinal).Select(host => KeyValuePair.Create(host.Key, (JsonNode?)new JsonObject
    {
        ["current"] = host.Value.Current,
        ["releases"] = new JsonArray(host.Value.Releases.Reverse().Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
        ["gunicorn"] = new JsonObject(host.Value.Slots.OrderBy(s => s.Key).Select(slot => KeyValuePair.Create(
            slot.Key.ToString(CultureInfo.InvariantCulture),
            (JsonNode?)new JsonObject { ["release"] = slot.Value, ["serving"] = slot.Key == host.Value.ServingSlot }))),
    })));
}
