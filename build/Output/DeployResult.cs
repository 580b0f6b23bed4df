using System.Text.Json.Nodes;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Output;

/// <summary>The deployed site (Deploy, Rollback): the release serving, the site's URL and how to reach each web host with its Host header.</summary>
public sealed class DeployResult(string release, string url, string domain, IReadOnlyList<SshTarget> hosts) : IRunResult
{
    public IEnumerable<string> Lines() =>
        [$"Release {release} serves at {url} ({string.Join(", ", hosts.Select(h => $"http://{h.Address}/ with Host: {domain}"))})"];

    public JsonNode ToJson() => new JsonObject
    {
        ["release"] = release,
        ["url"] = url,
        ["domain"] = domain,
        ["hosts"] = new JsonArray(hosts.Select(h => (JsonNode)new JsonObject { ["name"] = h.Name, ["url"] = $"http://{h.Address}/" }).ToArray()),
    };
}
