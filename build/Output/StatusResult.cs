using System.Text.Json.Nodes;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Output;

/// <summary>Each web host's state (Status): release and commit, gunicorn instances, lock, last deploy, disk, reboot, the site's answer.</summary>
public sealed class StatusResult(IReadOnlyList<HostStatus> hosts) : IRunResult
{
    public IEnumerable<string> Lines() => hosts.OrderBy(h => h.Host, StringComparer.Ordinal).SelectMany(h => h.Lines());

    public JsonNode ToJson() => new JsonObject { ["hosts"] = new JsonArray([.. hosts.OrderBy(h => h.Host, StringComparer.Ordinal).Select(h => (JsonNode)h.ToJson())]) };
}
