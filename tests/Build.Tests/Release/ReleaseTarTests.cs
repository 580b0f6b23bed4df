using System.Formats.Tar;
using System.IO.Compression;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReleaseTarTests
{
    [Test]
    public void StreamCarriesOnlyNewAndChangedFilesWithTheirModesAndTheMetadata()
    {
        using var site = new TempDirectory();
        site.Write("same.txt", "same");
        site.Write("edited.txt", "old");
        var previous = SiteSnapshot.Take(site.Path).Manifest;
        site.Write("edited.txt", "new");
        File.SetUnixFileMode(site.Write("bin/new.sh", "#!/bin/sh\n"), (UnixFileMode)Convert.ToInt32("755", 8));
        var snapshot = SiteSnapshot.Take(site.Path);
        var madeAt = new DateTimeOffset(2026, 11, 25, 23, 45, 1, TimeSpan.Zero);
        var id = ReleaseId.Create(madeAt, snapshot.Manifest);
        var diff = snapshot.Manifest.CompareWith(previous);

        using var archive = new MemoryStream();
        ReleaseTar.Write(archive, snapshot, id, diff, madeAt);
        archive.Position = 0;

        var entries = new Dictionary<string, (UnixFileMode Mode, string Text, int Uid)>();
        using (var reader = new TarReader(new GZipStream(archive, CompressionMode.Decompress)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                using var text = new StreamReader(entry.DataStream!);
                entries[entry.Name] = (entry.Mode, text.ReadToEnd(), entry.Uid);
                Assert.That(entry.ModificationTime, Is.EqualTo(madeAt));
            }
        }

        Assert.That(entries.Keys, Is.EqualTo(new[] { "bin/new.sh", "edited.txt", ".release/delta", ".release/env" }));
        Assert.That(entries["bin/new.sh"].Mode, Is.EqualTo((UnixFileMode)Convert.ToInt32("755", 8)));
        Assert.That(entries["edited.txt"], Is.EqualTo(((UnixFileMode)Convert.ToInt32("644", 8), "new", 0)));
        Assert.That(entries[".release/delta"].Text, Is.EqualTo(string.Concat(diff.ToSend.Select(e => e.ToLine() + "\n"))));
        Assert.That(entries[".release/env"].Text, Is.EqualTo($"RELEASE_ID={id}\n"));
    }
}
