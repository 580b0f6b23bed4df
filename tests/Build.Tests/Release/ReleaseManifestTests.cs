using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

public sealed class ReleaseManifestTests
{
    private static ManifestEntry Entry(string path, char hash, string mode = "0644") => new(path, 1, mode, new string(hash, 64));

    [Test]
    public void ReleaseIdIsUtcTimeAndShortContentHash()
    {
        var manifest = new ReleaseManifest([Entry("a", 'a')]);
        var id = ReleaseId.Create(new DateTimeOffset(2026, 11, 25, 15, 45, 1, TimeSpan.FromHours(-8)), manifest);

        Assert.That(id, Is.EqualTo("20261125T234501Z-" + manifest.ContentHash()[..8]));
        Assert.That(ReleaseId.IsValid(id), Is.True);
        Assert.That(ReleaseId.IsValid("20261325T234501Z-3f2a9c1b"), Is.False, "month 13");
        Assert.That(() => ReleaseId.Require("../etc"), Throws.TypeOf<ReleaseException>());
    }

    [Test]
    public void SameContentGivesTheSameHashAndAnyChangeAnother()
    {
        using var one = new TempDirectory();
        using var two = new TempDirectory();
        foreach (var dir in new[] { one, two })
        {
            dir.Write("project/manage.py", "print(1)\n");
            dir.Write("requirements.txt", "# none\n");
        }

        var hash = SiteSnapshot.Take(one.Path).Manifest.ContentHash();
        Assert.That(SiteSnapshot.Take(two.Path).Manifest.ContentHash(), Is.EqualTo(hash));

        two.Write("project/manage.py", "print(2)\n");
        Assert.That(SiteSnapshot.Take(two.Path).Manifest.ContentHash(), Is.Not.EqualTo(hash));
    }

    [Test]
    public void TextRoundTripsInByteOrderOfPaths()
    {
        var manifest = new ReleaseManifest([Entry("b", 'b'), Entry("a/z", 'c'), Entry("a-b", 'd', "0755"), Entry("é", 'e'), Entry("a", 'f')]);

        Assert.That(manifest.Entries.Select(e => e.Path), Is.EqualTo(new[] { "a", "a-b", "a/z", "b", "é" }));
        Assert.That(manifest.ToText(), Does.StartWith($"a\t1\t0644\t{new string('f', 64)}\na-b\t1\t0755\t"));
        Assert.That(ReleaseManifest.Parse(manifest.ToText()).ToText(), Is.EqualTo(manifest.ToText()));
        Assert.That(() => ReleaseManifest.Parse("a\t1\t0600\tabc\n"), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void DiffSortsFilesIntoNewChangedUnchangedRemoved()
    {
        var previous = new ReleaseManifest([Entry("same", 'a'), Entry("edited", 'b'), Entry("chmod", 'c'), Entry("gone", 'd')]);
        var current = new ReleaseManifest([Entry("same", 'a'), Entry("edited", 'e'), Entry("chmod", 'c', "0755"), Entry("fresh", 'f')]);

        var diff = current.CompareWith(previous);

        Assert.That(diff.Added.Select(e => e.Path), Is.EqualTo(new[] { "fresh" }));
        Assert.That(diff.Changed.Select(e => e.Path), Is.EqualTo(new[] { "chmod", "edited" }));
        Assert.That(diff.Unchanged.Select(e => e.Path), Is.EqualTo(new[] { "same" }));
        Assert.That(diff.Removed.Select(e => e.Path), Is.EqualTo(new[] { "gone" }));
        Assert.That(diff.ToSend.Select(e => e.Path), Is.EqualTo(new[] { "fresh", "chmod", "edited" }));
        Assert.That(diff.NotToLink, Is.EqualTo(new[] { "chmod", "edited", "gone" }));
    }

    [Test]
    public void FirstReleaseSendsEverything()
    {
        var current = new ReleaseManifest([Entry("a", 'a'), Entry("b", 'b')]);
        var diff = current.CompareWith(null);

        Assert.That(diff.ToSend, Is.EqualTo(current.Entries));
        Assert.That(diff.Unchanged, Is.Empty);
        Assert.That(diff.NotToLink, Is.Empty);
    }
}
