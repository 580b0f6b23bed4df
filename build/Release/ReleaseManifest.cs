using System.Security.Cryptography;
using System.Text;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The files of a release, sorted by the bytes of their path (the order of <c>LC_ALL=C sort</c>, so a
/// host can rebuild the same text). Its text's SHA-256 identifies the release's content.
/// </summary>
public sealed class ReleaseManifest
{
    private readonly Dictionary<string, ManifestEntry> _byPath;

    public ReleaseManifest(IEnumerable<ManifestEntry> entries)
    {
        Entries = entries.OrderBy(e => Encoding.UTF8.GetBytes(e.Path), ByteOrder.Instance).ToList();
        _byPath = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            if (!_byPath.TryAdd(entry.Path, entry))
            {
                throw new FormatException($"The manifest lists {entry.Path} twice.");
            }
        }
    }

    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>One line per file, each ending in '\n'.</summary>
    public string ToText() => string.Concat(Entries.Select(e => e.ToLine() + "\n"));

    public static ReleaseManifest Parse(string text) =>
        new(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ManifestEntry.ParseLine));

    /// <summary>SHA-256 of <see cref="ToText"/>, lower-case hex.</summary>
    public string ContentHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToText())));

    public ManifestEntry? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>What must cross the wire and what the host can link from <paramref name="previous"/> (null for a first release).</summary>
    public ManifestDiff CompareWith(ReleaseManifest? previous)
    {
        if (previous is null)
        {
            return new ManifestDiff(Entries, [], [], []);
        }

        var added = new List<ManifestEntry>();
        var changed = new List<ManifestEntry>();
        var unchanged = new List<ManifestEntry>();
        foreach (var entry in Entries)
        {
            var before = previous.Find(entry.Path);
            (before is null ? added : before.SameContentAs(entry) ? unchanged : changed).Add(entry);
        }

        var removed = previous.Entries.Where(e => Find(e.Path) is null).ToList();
        return new ManifestDiff(added, changed, unchanged, removed);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

/// <summary>How a release differs from the previous one. Paths in each list are in manifest order.</summary>
public sealed record ManifestDiff(
    IReadOnlyList<ManifestEntry> Added,
    IReadOnlyList<ManifestEntry> Changed,
    IReadOnlyList<ManifestEntry> Unchanged,
    IReadOnlyList<ManifestEntry> Removed)
{
    /// <summary>The files to send: new and changed.</summary>
    public IReadOnlyList<ManifestEntry> ToSend => [.. Added, .. Changed];

    /// <summary>Paths of the previous release that must not be linked into the new one: changed and removed.</summary>
    public IReadOnlyList<string> NotToLink => [.. Changed.Select(e => e.Path), .. Removed.Select(e => e.Path)];
}
