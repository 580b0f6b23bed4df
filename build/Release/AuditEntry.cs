using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Release;

/// <summary>
/// One line of a host's audit log (a JSON object): when, who, which target, release and commit, the
/// outcome and how long it took. Nothing secret goes in: the fields are these and no others.
/// </summary>
public sealed record AuditEntry(DateTimeOffset Time, string Who, string Target, string? Release, string? Commit, string Outcome, double Seconds, string? Message = null)
{
    /// <summary>The host whose log held the line (set when read, not written).</summary>
    public string? Host { get; init; }

    public string ToLine() => ToJson(withHost: false).ToJsonString();

    public JsonObject ToJson(bool withHost = true)
    {
        var json = new JsonObject
        {
            ["time"] = Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["who"] = Who,
            ["target"] = Target,
            ["release"] = Release,
            ["commit"] = Commit,
            ["outcome"] = Outcome,
            ["seconds"] = Math.Round(Seconds, 1),
        };
        if (Message is not null)
        {
            json["message"] = Message;
        }

        if (withHost && Host is not null)
        {
            json["host"] = Host;
        }

        return json;
    }

    /// <summary>A line of the log, or null for one that is not an entry (a log edited by hand keeps the rest readable).</summary>
    public static AuditEntry? TryParse(string line, string host)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject json)
            {
                return null;
            }

            return new AuditEntry(
                DateTimeOffset.Parse((string)json["time"]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                (string?)json["who"] ?? "",
                (string?)json["target"] ?? "",
                (string?)json["release"],
                (string?)json["commit"],
                (string?)json["outcome"] ?? "",
                (double?)json["seconds"] ?? 0,
                (string?)json["message"]) { Host = host };
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or ArgumentNullException)
        {
            return null;
        }
    }

    /// <summary>For people: "2026-12-02T01:02:03Z Deploy 2026...-abcd1234 (commit 0123abcd) succeeded in 41.2 s by root@box".</summary>
    public string Describe() =>
        $"{Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {Target}{(Release is null ? "" : " " + Release)}"
        + $"{(Commit is null ? "" : $" (commit {Commit[..Math.Min(12, Commit.Length)]})")} {Outcome} in {Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s by {Who}"
        + (Message is null ? "" : $": {Message}");
}
