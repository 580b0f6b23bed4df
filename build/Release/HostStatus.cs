using System.Globalization;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Release;

/// <summary>One gunicorn instance of a site: its port, systemd's state, the release its slot names, whether nginx sends requests to it.</summary>
public sealed record GunicornInstance(int Port, string State, string? Release, bool Serving);

/// <summary>What Status reports of one web host (read by <see cref="OperatorCommands.Status"/>).</summary>
public sealed record HostStatus(
    string Host,
    string? Release,
    string? Commit,
    bool? Dirty,
    IReadOnlyList<GunicornInstance> Gunicorn,
    string? Lock,
    AuditEntry? LastDeploy,
    long FreeBytes,
    long TotalBytes,
    string? RebootPending,
    bool Maintenance,
    int AnswerStatus,
    string Answer,
    string? Certificate = null)
{
    public static HostStatus Parse(string host, string output)
    {
        var facts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r').Split('\t')).ToList();
        string? Single(string key) => facts.LastOrDefault(f => f[0] == key) is { Length: > 1 } fact ? fact[1] : null;
        long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
        var disk = facts.LastOrDefault(f => f[0] == "disk");
        var answer = facts.LastOrDefault(f => f[0] == "answer");
        return new HostStatus(
            host,
            NullIfEmpty(Single("release")),
            NullIfEmpty(Single("commit")),
            Single("dirty") is { } dirty ? dirty == "true" : null,
            [.. facts.Where(f => f is ["gunicorn", _, _, _, _]).Select(f => new GunicornInstance(int.Parse(f[1], CultureInfo.InvariantCulture), NullIfEmpty(f[2]) ?? "unknown", NullIfEmpty(f[3]), f[4] == "serving"))],
            Single("lock"),
            Single("last") is { } last ? AuditEntry.TryParse(last, host) : null,
            disk is { Length: 3 } ? Number(disk[1]) : 0,
            disk is { Length: 3 } ? Number(disk[2]) : 0,
            facts.LastOrDefault(f => f[0] == "reboot") is { } reboot ? (reboot.Length > 1 ? reboot[1].Trim() : "") : null,
            Single("maintenance") == "on",
            answer is { Length: > 1 } ? int.Parse(answer[1], CultureInfo.InvariantCulture) : 0,
            answer is { Length: > 2 } ? answer[2] : "",
            facts.LastOrDefault(f => f[0] == "certificate") is { Length: 3 } certificate ? $"{certificate[1]}, expires {certificate[2]}" : null);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    public IEnumerable<string> Lines()
    {
        yield return $"{Host}: release {Release ?? "(none)"}{(Commit is null ? "" : $" (commit {Commit[..Math.Min(12, Commit.Length)]}{(Dirty == true ? ", dirty" : "")})")}";
        foreach (var instance in Gunicorn)
        {
            yield return $"  gunicorn :{instance.Port} {instance.State}{(instance.Release is null ? "" : " " + instance.Release)}{(instance.Serving ? " (serving)" : "")}";
        }

        yield return $"  deploy lock: {Lock ?? "free"}";
        yield return $"  last deploy: {(LastDeploy is null ? "none recorded" : LastDeploy.Describe())}";
        yield return $"  free disk: {FreeBytes / 1048576} MiB of {TotalBytes / 1048576} MiB";
        yield return $"  reboot pending: {(RebootPending is null ? "no" : "yes" + (RebootPending.Length > 0 ? $" ({RebootPending})" : ""))}";
        yield return $"  certificate: {Certificate ?? "none (http)"}";
        yield return $"  site through nginx: {(AnswerStatus == 0 ? "no answer" : AnswerStatus.ToString(CultureInfo.InvariantCulture))} {Answer}{(Maintenance ? " (maintenance on)" : "")}";
    }

    public JsonObject ToJson() => new()
    {
        ["host"] = Host,
        ["release"] = Release,
        ["commit"] = Commit,
        ["dirty"] = Dirty,
        ["gunicorn"] = new JsonArray([.. Gunicorn.Select(g => (JsonNode)new JsonObject { ["port"] = g.Port, ["state"] = g.State, ["release"] = g.Release, ["serving"] = g.Serving })]),
        ["lock"] = Lock,
        ["lastDeploy"] = LastDeploy?.ToJson(),
        ["disk"] = new JsonObject { ["freeBytes"] = FreeBytes, ["totalBytes"] = TotalBytes },
        ["rebootPending"] = RebootPending is not null,
        ["maintenance"] = Maintenance,
        ["answer"] = new JsonObject { ["status"] = AnswerStatus, ["body"] = Answer },
        ["certificate"] = Certificate,
    };
}
