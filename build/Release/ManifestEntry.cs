namespace CoralNet.Deploy.Release;

/// <summary>One file of a release: its path relative to the release ('/'-separated), size, mode (0644 or 0755) and SHA-256.</summary>
public sealed record ManifestEntry(string Path, long Size, string Mode, string Sha256)
{
    public const string ExecutableMode = "0755";
    public const string RegularMode = "0644";

    /// <summary>The manifest's line for this file: path, size, mode and hash separated by tabs.</summary>
    public string ToLine() => $"{Path}\t{Size}\t{Mode}\t{Sha256}";

    public static ManifestEntry ParseLine(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 4 || !long.TryParse(fields[1], out var size) || fields[2] is not (ExecutableMode or RegularMode)
            || fields[3].Length != 64 || !fields[3].All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException($"Not a manifest line (path, size, mode, sha256 separated by tabs): '{line}'.");
        }

        return new ManifestEntry(fields[0], size, fields[2], fields[3]);
    }

    /// <summary>Same content and mode: the file can be linked from the previous release.</summary>
    public bool SameContentAs(ManifestEntry other) => Sha256 == other.Sha256 && Mode == other.Mode;
}
