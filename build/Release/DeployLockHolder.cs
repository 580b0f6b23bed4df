using System.Globalization;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Who holds the deploy lock: the run's machine, process and user, when it started, for which release,
/// and, for a lock held on purpose (Lock --message), why. The holder file has one key=value line per
/// field; a reader ignores keys it does not know, so fields can be added.
/// </summary>
public sealed record DeployLockHolder(string User, string Host, int Process, DateTimeOffset Started, string Release, string? Message = null)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>This process, starting now.</summary>
    public static DeployLockHolder ThisRun(string release, string? message = null) =>
        new(Environment.UserName, Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow, release, message);

    /// <summary>The holder file's text (no final newline).</summary>
    public override string ToString() => string.Join('\n', new[]
    {
        $"host={Host}",
        $"process={Process.ToString(CultureInfo.InvariantCulture)}",
        $"user={User}",
        $"started={Started.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}",
        $"release={Release}",
    }.Concat(Message is null ? [] : [$"message={Message}"]));

    /// <summary>One line for people: user@host, process, start, release, and the message of a lock held on purpose.</summary>
    public string Describe() =>
        $"{User}@{Host}, process {Process}, started {Started.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}, release {Release}"
        + (Message is null ? "" : $", held because: {Message}");

    /// <summary>Reads a holder file; null when a field is missing or malformed (a lock of an older suite).</summary>
    public static DeployLockHolder? Parse(string text)
    {
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
        return fields.TryGetValue("host", out var host)
            && fields.TryGetValue("user", out var user)
            && fields.TryGetValue("release", out var release)
            && fields.TryGetValue("process", out var process) && int.TryParse(process, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && fields.TryGetValue("started", out var started) && DateTimeOffset.TryParseExact(started, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            ? new DeployLockHolder(user, host, pid, since, release, fields.GetValueOrDefault("message"))
            : null;
    }
}
