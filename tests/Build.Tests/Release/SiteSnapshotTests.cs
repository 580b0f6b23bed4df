using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SiteSnapshotTests
{
    [Test]
    public void LeavesOutBuiltInExclusionsAndWhatDeployignoreNames()
    {
        using var site = new TempDirectory();
        foreach (var path in new[]
                 {
                     "project/manage.py", "project/config/settings.py", "project/config/local_settings.py",
                     "project/app/__pycache__/views.cpython-311.pyc", "project/app/views.pyc", "project/app/views.py",
                     ".git/config", ".env", ".env.production", "debug.log", "logs/keep.log", "build/out.txt",
                     "project/build/page.html", "docs/a/b/draft.md", "docs/final.md", "media/upload.jpg", "requirements.txt",
                 })
        {
            site.Write(path, "content of " + path);
        }

        site.Write(".deployignore", "# comment\n\n*.log\n!keep.log\n/build/\ndocs/**/draft.md\nmedia/\n");

        var paths = SiteSnapshot.Take(site.Path).Manifest.Entries.Select(e => e.Path);

        Assert.That(paths, Is.EqualTo(new[]
        {
            "docs/final.md", "logs/keep.log", "project/app/views.py", "project/build/page.html",
            "project/config/settings.py", "project/manage.py", "requirements.txt",
        }));
    }

    [Test]
    public void RecordsSizeModeAndHash()
    {
        using var site = new TempDirectory();
        File.SetUnixFileMode(site.Write("run.sh", "#!/bin/sh\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(site.Write("data.txt", "abc"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var entries = SiteSnapshot.Take(site.Path).Manifest.Entries;

        Assert.That(entries, Is.EqualTo(new[]
        {
            new ManifestEntry("data.txt", 3, "0644", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            new ManifestEntry("run.sh", 10, "0755", entries[1].Sha256),
        }));
        Assert.That(entries[1].Sha256, Is.Not.EqualTo(entries[0].Sha256).And.Length.EqualTo(64));
    }

    [Test]
    public void RefusesSymbolicLinksAndTheMetadataName()
    {
        using var site = new TempDirectory();
        site.Write("a.txt", "a");
        File.CreateSymbolicLink(Path.Combine(site.Path, "link.txt"), "a.txt");
        Assert.That(() => SiteSnapshot.Take(site.Path), Throws.TypeOf<ReleaseException>().With.Message.Contains("link.txt").And.Message.Contains(".deployignore"));

        File.Delete(Path.Combine(site.Path, "link.txt"));
        site.Write(".release/x", "x");
        Assert.That(() => SiteSnapshot.Take(site.Path), Throws.TypeOf<ReleaseException>().With.Message.Contains(".release"));
    }

    [Test]
    public void RefusesAMissingOrEmptySite()
    {
        using var site = new TempDirectory();
        site.Write(".deployignore", "*\n");
        Assert.That(() => SiteSnapshot.Take(site.Path), Throws.TypeOf<ReleaseException>().With.Message.Contains("no file to deploy"));
        Assert.That(() => SiteSnapshot.Take(Path.Combine(site.Path, "nowhere")), Throws.TypeOf<ReleaseException>().With.Message.Contains("Site.Source"));
    }

    [Test]
    public void TheSampleSiteHasItsDjangoShape()
    {
        var sample = Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../samples/site");
        var paths = SiteSnapshot.Take(sample).Manifest.Entries.Select(e => e.Path).ToList();

        Assert.That(paths, Does.Contain("project/manage.py").And.Contain("project/config/settings.py").And.Contain("project/config/wsgi.py")
            .And.Contain("project/status/migrations/0001_initial.py").And.Contain("project/status/static/status/site.css").And.Contain("requirements.txt"));
        Assert.That(paths, Has.None.Contains("__pycache__").And.None.EndsWith(".deployignore"));
    }
}
