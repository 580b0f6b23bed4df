using System.Text.Json.Nodes;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Output;

/// <summary>The audit logs of the hosts merged by time (Audit), oldest first, each line naming its host.</summary>
public sealed class AuditResult(IEnumerable<AuditEntry> entries) : IRunResult
{
    private readonly IReadOnlyList<AuditEntry> _entries = [.. entries.OrderBy(e => e.Time).ThenBy(e => e.Host, StringComparer.Ordinal)];

    public IEnumerable<string> Lines() => _entries.Count == 0 ? ["No audit line yet."] : _entries.Select(e => $"{e.Host}: {e.Describe()}");

    public JsonNode ToJson() => new JsonArray([.. _entries.Select(e => (JsonNode)e.ToJson())]);
}
