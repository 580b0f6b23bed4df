namespace CoralNet.Deploy.HostState;

public enum FileKind
{
    Absent,
    File,
    Directory,
    Link,
    Other,
}

/// <summary>A path's state as the probe's <c>st</c> function prints it.</summary>
public sealed record FileState(FileKind Kind, string Owner = "", string Group = "", int Mode = 0, string Sha256 = "", string LinkTarget = "")
{
    public static FileState Parse(IReadOnlyList<string> lines)
    {
        var first = lines.FirstOrDefault(l => l.Length > 0) ?? "absent";
        if (first.StartsWith("link ", StringComparison.Ordinal))
        {
            return new FileState(FileKind.Link, LinkTarget: first[5..]);
        }

        if (!first.StartsWith("stat ", StringComparison.Ordinal))
        {
            return new FileState(FileKind.Absent);
        }

        var fields = first[5..].Split('|');
        if (fields.Length != 4)
        {
            throw new FormatException($"Unexpected file state '{first}'.");
        }

        var kind = fields[0] switch
        {
            "regular file" or "regular empty file" => FileKind.File,
            "directory" => FileKind.Directory,
            _ => FileKind.Other,
        };
        var sha = lines.FirstOrDefault(l => l.StartsWith("sha ", StringComparison.Ordinal))?[4..] ?? "";
        return new FileState(kind, fields[1], fields[2], Convert.ToInt32(fields[3], 8), sha);
    }

    public static string Octal(int mode) => Convert.ToString(mode, 8).PadLeft(4, '0');
}
