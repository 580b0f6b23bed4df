using System.Text.Json.Nodes;
using CoralNet.Deploy.Aws;

namespace CoralNet.Deploy.Output;

/// <summary>The AWS plan (Plan): each resource as create, update (with what differs) or unchanged, and the totals.</summary>
public sealed class PlanResult(IReadOnlyList<ResourceChange> changes) : IRunResult
{
    public IEnumerable<string> Lines() => changes.Select(change => change.ToString()).Append(AwsProvisioner.Summary(changes, "Plan"));

    public JsonNode ToJson() => new JsonObject
    {
        ["create"] = changes.Count(c => c.Kind == ChangeKind.Create),
        ["update"] = changes.Count(c => c.Kind == ChangeKind.Update),
        ["resources"] = new JsonArray(changes.Select(change => (JsonNode)new JsonObject
        {
            ["resource"] = change.Resource,
            ["action"] = change.Kind.ToString().ToLowerInvariant(),
            ["differences"] = new JsonArray(change.Differences.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
        }).ToArray()),
    };
}
