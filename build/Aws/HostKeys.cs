using System.Text;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// An instance's SSH host keys as cloud-init prints them to the console, between
/// -----BEGIN SSH HOST KEY KEYS----- and -----END SSH HOST KEY KEYS-----, and their known_hosts lines.
/// </summary>
public static class HostKeys
{
    private const string Begin = "-----BEGIN SSH HOST KEY KEYS-----";
    private const string End = "-----END SSH HOST KEY KEYS-----";

    /// <summary>The "type base64" keys in the console output (as GetConsoleOutput returns it, base64), none when the markers are not there yet.</summary>
    public static IReadOnlyList<string> FromConsoleOutput(string? base64Output)
    {
        if (string.IsNullOrEmpty(base64Output))
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64Output));
        var start = text.LastIndexOf(Begin, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(End, start, StringComparison.Ordinal);
        if (end < 0)
        {
            return [];
        }

        return text[(start + Begin.Length)..end]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 2 && (fields[0].StartsWith("ssh-", StringComparison.Ordinal) || fields[0].StartsWith("ecdsa-", StringComparison.Ordinal)))
            .Select(fields => fields[0] + " " + fields[1])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The keys the known_hosts file holds for <paramref name="host"/>, as "type base64".</summary>
    public static IReadOnlyList<string> Known(string knownHostsFile, string host) =>
        File.Exists(knownHostsFile)
            ? File.ReadAllLines(knownHostsFile)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 3 && fields[0].Split(',').Contains(host))
                .Select(fields => fields[1] + " " + fields[2])
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>Replaces the host's lines in the known_hosts file by <paramref name="keys"/>, keeping every other line.</summary>
    public static void Write(string knownHostsFile, string host, IReadOnlyList<string> keys)
    {
        var others = File.Exists(knownHostsFile)
            ? File.ReadAllLines(knownHostsFile).Where(line => !(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(',').Contains(host) ?? false))
            : [];
        var folder = Path.GetDirectoryName(Path.GetFullPath(knownHostsFile))!;
        Directory.CreateDirectory(folder);
        var temporary = knownHostsFile + ".tmp";
        File.WriteAllLines(temporary, others.Concat(keys.Select(key => host + " " + key)));
        File.Move(temporary, knownHostsFile, overwrite: true);
    }
}
