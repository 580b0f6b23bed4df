using System.Text.Json.Nodes;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Output;

/// <summary>
/// Each web host's state (Status): release and commit, gunicorn instances, lock, last deploy, disk, reboot, the site's answer;
/// and the load balancer's certificate where HTTPS ends there (the sandbox's).
/// </summary>
public sealed class StatusResult(IReadOnlyList<HostStatus> hosts, LoadBalancerStatus? balancer = null) : IRunResult
{
    public IEnumerable<string> Lines() => hosts.OrderBy(h => h.Host, StringComparer.Ordinal).SelectMany(h => h.Lines()).Concat(balancer?.Lines() ?? []);

    public JsonNode ToJson()
    {
        var json = new JsonObject { ["hosts"] = new JsonArray([.. hosts.OrderBy(h => h.Host, StringComparer.Ordinal).Select(h => (JsonNode)h.ToJson())]) };
        if (balancer is not null)
        {
            json["loadBalancer"] = balancer.ToJson();
        }

        return json;
    }
}
