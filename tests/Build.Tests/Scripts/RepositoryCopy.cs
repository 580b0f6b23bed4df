using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Scripts;

/// <summary>
/// One copy of the repository (the files git lists) that the build script tests of this run share,
/// built once by build.sh: each build takes seconds, so the tests take turns on it.
/// </summary>
[SetUpFixture]
public sealed class RepositoryCopy
{
    public static string Root { get; private set; } = "";

    [OneTimeSetUp]
    public void Create()
    {
        Root = Directory.CreateTempSubdirectory("coralnet-deploy-scripts-").FullName;
        var listed = new LocalRunner(_ => { }).Run(
            new LocalCommand("git", "-C", SuiteRun.RepositoryRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard"));
        foreach (var path in listed.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            var source = Path.Combine(SuiteRun.RepositoryRoot, path);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree, not yet in a commit
            }

            var target = Path.Combine(Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        var build = BuildScripts.Run("build.sh", "--tree");
        Assert.That(build.ExitCode, Is.EqualTo(0), "the first build of the copy failed: " + build.Error);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (Root.Length > 0)
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
