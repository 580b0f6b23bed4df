using System.Text;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// An instance's SSH host keys as cloud-init prints them to the console, between
/// -----BEGIN SSH HOST KEY KEYS----- and -----END SSH HOST KEY KEYS-----. They are written to
/// known_hosts by <see cref="KnownHosts.Replace"/>.
/// </summary>
public static class HostKeys
{
    private const string Begin = "-----BEGIN SSH HOST KEY KEYS-----";
    private const string End = "-----END SSH HOST KEY KEYS-----";

    /// <summary>The key blobs in the console output (as GetConsoleOutput returns it, base64), none when the markers are not there yet.</summary>
    public static IReadOnlyList<byte[]> FromConsoleOutput(string? base64Output)
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
            .Where(fields => fields.Length >= 2)
            .Select(fields => (Type: fields[0], Key: TryDecode(fields[1])))
            // A line whose blob does not hold the key type it claims is console noise, not a key.
            .Where(line => line.Key is not null && KnownHosts.KeyTypeOf(line.Key) == line.Type)
            .Select(line => line.Key!)
            .ToList();
    }

    /// <summary>Whether two key lists hold the same keys, in any order.</summary>
    public static bool SameKeys(IReadOnlyList<byte[]> left, IReadOnlyList<byte[]> right) =>
        left.Select(Convert.ToBase64String).Order(StringComparer.Ordinal).SequenceEqual(right.Select(Convert.ToBase64String).Order(StringComparer.Ordinal));

    private static byte[]? TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
