using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The one stream that carries a release's new and changed files to the host (gzip-compressed tar,
/// extracted by <see cref="ReleaseCommands.Extract"/>), together with the release's metadata:
/// the manifest lines of the files sent (<see cref="DeltaPath"/>), its id and git commit (<see cref="EnvironmentPath"/>).
/// </summary>
public static class ReleaseTar
{
    public const string DeltaPath = SiteSnapshot.MetadataDirectory + "/delta";
    public const string EnvironmentPath = SiteSnapshot.MetadataDirectory + "/env";

    public static void Write(Stream output, SiteSnapshot snapshot, string releaseId, ManifestDiff diff, DateTimeOffset madeAt)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in diff.ToSend)
        {
            using var content = File.OpenRead(snapshot.FullPath(entry));
            if (content.Length != entry.Size)
            {
                throw new ReleaseException($"{snapshot.FullPath(entry)} changed while the release was being made; run the deploy again.");
            }

            tar.WriteEntry(NewEntry(entry.Path, entry.Mode, madeAt, content));
        }

        WriteText(tar, DeltaPath, string.Concat(diff.ToSend.Select(e => e.ToLine() + "\n")), madeAt);
        WriteText(tar, EnvironmentPath, ReleaseEnvironment(snapshot, releaseId), madeAt);
    }

    /// <summary>The release's own env file: its id, and the git commit it was made from.</summary>
    public static string ReleaseEnvironment(SiteSnapshot snapshot, string releaseId) => $"RELEASE_ID={releaseId}\n{snapshot.Revision?.EnvironmentLines()}";

    private static void WriteText(TarWriter tar, string path, string text, DateTimeOffset madeAt)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        tar.WriteEntry(NewEntry(path, ManifestEntry.RegularMode, madeAt, content));
    }

    private static PaxTarEntry NewEntry(string path, string mode, DateTimeOffset madeAt, Stream content) =>
        new(TarEntryType.RegularFile, path)
        {
            Mode = (UnixFileMode)Convert.ToInt32(mode, 8),
            ModificationTime = madeAt,
            Uid = 0,
            Gid = 0,
            UserName = "root",
            GroupName = "root",
            DataStream = content,
        };
}
