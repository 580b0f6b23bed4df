using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>A release records the commit of the git work tree holding the site, and whether the site's files differed from it.</summary>
public sealed class SourceRevisionTests
{
    [Test]
    public void The_commit_and_whether_the_sites_files_differ_from_it_and_nothing_outside_git()
    {
        using var repository = new TempDirectory();
        var site = Path.Combine(repository.Path, "site");
        repository.Write("site/manage.py", "print('site')\n");
        Assert.That(SourceRevision.Read(site), Is.Null, "not in a git work tree");

        var head = Git(repository.Path, "init -q && git add -A && git -c user.name=t -c user.email=t@example.org commit -q -m one && git rev-parse HEAD");
        Assert.That(SourceRevision.Read(site), Is.EqualTo(new SourceRevision(head, false)));

        repository.Write("notes.txt", "outside the site's folder\n");
        Assert.That(SourceRevision.Read(site), Is.EqualTo(new SourceRevision(head, false)), "a file beside the site is not the site's");

        repository.Write("site/settings.py", "DEBUG = False\n");
        Assert.That(SourceRevision.Read(site), Is.EqualTo(new SourceRevision(head, true)), "an untracked file of the site");
        File.Delete(Path.Combine(site, "settings.py"));
        repository.Write("site/manage.py", "print('changed')\n");
        Assert.That(SourceRevision.Read(site)!.EnvironmentLines(), Is.EqualTo($"RELEASE_COMMIT={head}\nRELEASE_DIRTY=true\n"), "a changed file of the site");
    }

    private static string Git(string directory, string commands)
    {
        var (code, output, errors) = TempDirectory.RunSh($"cd {Shell.Quote(directory)} && git {commands}");
        Assert.That(code, Is.Zero, errors);
        return output.Trim();
    }
}
