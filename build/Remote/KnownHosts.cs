using CoralNet.Deploy.Settings;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CoralNet.Deploy.Remote;

/// <summary>What a known_hosts file says about the key a host presented.</summary>
public enum HostKeyVerdict
{
    /// <summary>A plain entry for the host holds exactly this key.</summary>
    Trusted,

    /// <summary>No entry names the host.</summary>
    Unknown,

    /// <summary>The host is listed with another key of the same type: possibly an attack.</summary>
    Changed,

    /// <summary>The host is listed, but only with keys of other types than the one it offered.</summary>
    OtherKeyType,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

public enum KnownHostMarker
{
    None,
    CertAuthority,
    Revoked,
}

/// <summary>One line of a known_hosts file: "[@marker] patterns keytype base64-key [comment]".</summary>
public sealed record KnownHostEntry(int Line, KnownHostMarker Marker, string Patterns, string KeyType, byte[] Key)
{
    private const string HashPrefix = "|1|";

    public bool IsHashed => Patterns.StartsWith(HashPrefix, StringComparison.Ordinal);

    /// <summary>Whether the entry names the host as OpenSSH would look it up: "host" on port 22, "[host]:port" otherwise.</summary>
    public bool Matches(string lookupName)
    {
        if (IsHashed)
        {
            var parts = Patterns.Split('|');
            if (parts.Length != 4)
            {
                return false;
            }

            try
            {
                var salt = Convert.FromBase64String(parts[2]);
                var expected = Convert.FromBase64String(parts[3]);
                var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(lookupName));
                return CryptographicOperations.FixedTimeEquals(actual, expected);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var matched = false;
        foreach (var pattern in Patterns.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var negated = pattern.StartsWith('!');
            if (Wildcard.IsMatch(lookupName, negated ? pattern[1..] : pattern))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }
}

/// <summary>
/// An OpenSSH known_hosts file, read and checked here because SSH.NET has no parser. Host keys are
/// compared by their whole key blob; certificates are not accepted, so @cert-authority lines never
/// vouch for a key (they are kept, not used), and a key listed @revoked is refused wherever it appears.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<KnownHostEntry> _entries;

    private KnownHosts(List<KnownHostEntry> entries, IReadOnlyList<string> problems)
    {
        _entries = entries;
        Problems = problems;
    }

    public IReadOnlyList<KnownHostEntry> Entries => _entries;

    /// <summary>Lines that could not be read, with their number: reported, never silently trusted.</summary>
    public IReadOnlyList<string> Problems { get; }

    public static KnownHosts Parse(string text)
    {
        var entries = new List<KnownHostEntry>();
        var problems = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var marker = KnownHostMarker.None;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0] switch
                {
                    "@cert-authority" => KnownHostMarker.CertAuthority,
                    "@revoked" => KnownHostMarker.Revoked,
                    _ => (KnownHostMarker)(-1),
                };
                if ((int)marker == -1)
                {
                    problems.Add($"line {i + 1}: unknown marker {fields[0]} (known: @cert-authority, @revoked).");
                    continue;
                }

                fields = fields[1..];
            }

            if (fields.Length < 3)
            {
                problems.Add($"line {i + 1}: expected 'host-patterns key-type base64-key', found {fields.Length} field(s).");
                continue;
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(fields[2]);
            }
            catch (FormatException)
            {
                problems.Add($"line {i + 1}: the key of {fields[0]} is not valid base64.");
                continue;
            }

            if (KeyTypeOf(key) != fields[1])
            {
                problems.Add($"line {i + 1}: the key data does not hold a {fields[1]} key.");
                continue;
            }

            entries.Add(new KnownHostEntry(i + 1, marker, fields[0], fields[1], key));
        }

        return new KnownHosts(entries, problems);
    }

    public static KnownHosts Load(string path) => Parse(File.Exists(path) ? File.ReadAllText(path) : "");

    /// <summary>The name OpenSSH stores and looks a host up by: "host" on port 22, "[host]:port" otherwise.</summary>
    public static string LookupName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>"SHA256:" and the unpadded base64 of the key blob's SHA-256, as ssh-keygen -l prints it.</summary>
    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    /// <summary>The key type written at the start of an SSH public key blob ("ssh-ed25519", "ssh-rsa", ...).</summary>
    public static string? KeyTypeOf(byte[] key) => PublicKeyFormat.TypeOf(key);

    /// <summary>The key types listed for the host (plain entries), so that the client asks the server for one of them.</summary>
    public IReadOnlySet<string> KeyTypesFor(string host, int port)
    {
        var name = LookupName(host, port);
        return _entries.Where(e => e.Marker == KnownHostMarker.None && e.Matches(name)).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);
    }

    public HostKeyVerdict Verify(string host, int port, byte[] key)
    {
        var name = LookupName(host, port);
        if (_entries.Any(e => e.Marker == KnownHostMarker.Revoked && e.Key.AsSpan().SequenceEqual(key) && e.Matches(name)))
        {
            return HostKeyVerdict.Revoked;
        }

        var listed = _entries.Where(e => e.Marker == KnownHostMarker.None && e.Matches(name)).ToList();
        if (listed.Any(e => e.Key.AsSpan().SequenceEqual(key)))
        {
            return HostKeyVerdict.Trusted;
        }

        var type = KeyTypeOf(key);
        return listed.Count == 0 ? HostKeyVerdict.Unknown
            : listed.Any(e => e.KeyType == type) ? HostKeyVerdict.Changed
            : HostKeyVerdict.OtherKeyType;
    }

    /// <summary>The keys the plain entries list for the host, as blobs.</summary>
    public IReadOnlyList<byte[]> KeysFor(string host, int port)
    {
        var name = LookupName(host, port);
        return _entries.Where(e => e.Marker == KnownHostMarker.None && e.Matches(name)).Select(e => e.Key).ToList();
    }

    /// <summary>
    /// Makes <paramref name="keys"/> the host's only entries in the file: hashed lines for the host are
    /// dropped, the host's name is taken out of plain lines (a line naming only it is dropped, one naming
    /// other hosts too keeps them), and every other line (comments, markers, other hosts, wildcards) is
    /// kept as it was. Written through a temporary file, so a reader never sees half of it.
    /// </summary>
    public static void Replace(string path, string host, int port, IReadOnlyList<byte[]> keys)
    {
        var name = LookupName(host, port);
        var kept = new List<string>();
        foreach (var line in File.Exists(path) ? File.ReadAllLines(path) : [])
        {
            var fields = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0].StartsWith('#') || fields[0].StartsWith('@'))
            {
                kept.Add(line);
                continue;
            }

            var entry = new KnownHostEntry(0, KnownHostMarker.None, fields[0], "", []);
            if (entry.IsHashed)
            {
                if (!entry.Matches(name))
                {
                    kept.Add(line);
                }

                continue;
            }

            var others = fields[0].Split(',').Where(pattern => !pattern.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (others.Count > 0)
            {
                kept.Add(others.Count == fields[0].Split(',').Length ? line : string.Join(',', others) + " " + fields[1]);
            }
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllLines(temporary, kept.Concat(keys.Select(key => FormatLine(host, port, key))));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The line trust-on-first-use appends for a host.</summary>
    public static string FormatLine(string host, int port, byte[] key) =>
        $"{LookupName(host, port)} {KeyTypeOf(key)} {Convert.ToBase64String(key)}";

    /// <summary>Records a host's key, in memory and at the end of the file.</summary>
    public void Append(string path, string host, int port, byte[] key)
    {
        var line = FormatLine(host, port, key);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var needsNewline = File.Exists(path) && new FileInfo(path).Length > 0 && !File.ReadAllText(path).EndsWith('\n');
        File.AppendAllText(path, (needsNewline ? "\n" : "") + line + "\n");
        _entries.Add(new KnownHostEntry(0, KnownHostMarker.None, LookupName(host, port), KeyTypeOf(key)!, key));
    }
}

/// <summary>OpenSSH's host pattern matching: '*' any run of characters, '?' one character, case-insensitive.</summary>
internal static class Wildcard
{
    public static bool IsMatch(string text, string pattern) => Match(text.ToLowerInvariant(), 0, pattern.ToLowerInvariant(), 0);

    private static bool Match(string text, int t, string pattern, int p)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    for (var k = t; k <= text.Length; k++)
                    {
                        if (Match(text, k, pattern, p + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (t >= text.Length)
                    {
                        return false;
                    }

                    break;
                default:
                    if (t >= text.Length || text[t] != pattern[p])
                    {
                        return false;
                    }

                    break;
            }

            t++;
            p++;
        }

        return t == text.Length;
    }
}
