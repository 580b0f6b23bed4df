using System.Text.Json.Nodes;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Output;

/// <summary>
/// The deployed site (Deploy, Rollback): the release serving, the site's URL and how to reach each web
/// host by the site's name (curl --resolve; with the CA to trust when the system's roots do not hold it).
/// </summary>
/// <param name="caFile">The CA file curl must be given (the sandbox's test CA), if any.</param>
public sealed class DeployResult(string release, string url, string domain, IReadOnlyList<SshTarget> hosts, string? caFile = null) : IRunResult
{
    private int Port => new Uri(url).Port;

    public IEnumerable<string> Lines() =>
        [$"Release {release} serves at {url} ({string.Join("; ", hosts.Select(Reach))})"];

    public JsonNode ToJson() => new JsonObject
    {
        ["release"] = release,
        ["url"] = url,
        ["domain"] = domain,
        ["hosts"] = new JsonArray(hosts.Select(h => (JsonNode)new JsonObject { ["name"] = h.Name, ["address"] = h.Address, ["curl"] = Reach(h) }).ToArray()),
    };

    private string Reach(SshTarget host) =>
        $"{host.Name}: curl{(caFile is null ? "" : " --cacert " + Shell.Quote(caFile))} --resolve {domain}:{Port}:{host.Address} {url}";
}
