using System.Text;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Scripts;

/// <summary>
/// Either script rebuilds the suite when an input of its build changed, an embedded template
/// included, and only then; a build by one is current for the other.
/// </summary>
public sealed class RebuildTests
{
    private static string Program => Path.Combine(RepositoryCopy.Root, "build", "bin", "Release", "app", "Build.dll");

    private static string Stamp => Path.Combine(RepositoryCopy.Root, "build", "bin", "Release", ".built-from-sources");

    // Each test works on a template of its own, so that the tests need not run in an order.
    [TestCase(BuildScripts.Bash, "nginx-site.conf")]
    [TestCase(BuildScripts.PowerShell, "gunicorn.service")]
    public void AnEditedThenDeletedTemplateIsRebuiltEachTimeAndNothingElse(string script, string template)
    {
        var path = Path.Combine(RepositoryCopy.Root, "build", "Templates", template);
        var marker = $"# edited for {script} {Guid.NewGuid():N}";
        RunSucceeds(script);

        File.AppendAllText(path, marker + "\n");
        AssertRebuilt(script, () => Assert.That(ProgramContains(marker), Is.True, "the edited template is embedded"));
        AssertCurrent(script);
        AssertCurrent(BuildScripts.Other(script));

        File.Delete(path);
        AssertRebuilt(script, () => Assert.That(ProgramContains(marker), Is.False, "the deleted template is gone"));
        AssertCurrent(script);
        AssertCurrent(BuildScripts.Other(script));
    }

    // build.ps1 decides as build.sh does because both make the same listing, which the checks with
    // the other script after each build show; one rename through build.sh is enough.
    [Test]
    public void ARenamedInputIsRebuilt()
    {
        var templates = Path.Combine(RepositoryCopy.Root, "build", "Templates");
        RunSucceeds(BuildScripts.Bash);

        // Same size, same modification time, another path: a newer-than test would miss it.
        File.Move(Path.Combine(templates, "gunicorn.socket"), Path.Combine(templates, "renamed-gunicorn.socket"));
        AssertRebuilt(BuildScripts.Bash, () => Assert.That(ProgramContains("Templates/renamed-gunicorn.socket"), Is.True, "the renamed template is embedded"));
        AssertCurrent(BuildScripts.Bash);
        AssertCurrent(BuildScripts.PowerShell);
    }

    // The inputs at the repository root count too, one that appears included: build.ps1 builds, build.sh agrees.
    [Test]
    public void AnEditorConfigAtTheRootIsAnInput()
    {
        RunSucceeds(BuildScripts.PowerShell);

        File.AppendAllText(Path.Combine(RepositoryCopy.Root, ".editorconfig"), "# an input of the build too\n");
        AssertRebuilt(BuildScripts.PowerShell, () => Assert.That(File.ReadAllText(Stamp), Does.StartWith(".editorconfig\t")));
        AssertCurrent(BuildScripts.PowerShell);
        AssertCurrent(BuildScripts.Bash);
    }

    private static void AssertRebuilt(string script, Action assertOutput)
    {
        var stampBefore = File.ReadAllText(Stamp);
        RunSucceeds(script);
        Assert.That(File.ReadAllText(Stamp), Is.Not.EqualTo(stampBefore), $"{script} did not rebuild");
        assertOutput();
    }

    private static void AssertCurrent(string script)
    {
        var program = File.GetLastWriteTimeUtc(Program);
        var stamp = File.GetLastWriteTimeUtc(Stamp);
        var run = RunSucceeds(script);
        Assert.Multiple(() =>
        {
            Assert.That(run.Error, Is.Empty, $"{script} built although nothing changed");
            Assert.That(File.GetLastWriteTimeUtc(Program), Is.EqualTo(program), $"{script} rebuilt the program although nothing changed");
            Assert.That(File.GetLastWriteTimeUtc(Stamp), Is.EqualTo(stamp), $"{script} wrote the stamp although nothing changed");
        });
    }

    private static LocalResult RunSucceeds(string script)
    {
        var run = BuildScripts.Run(script, "--tree");
        Assert.That(run.ExitCode, Is.EqualTo(0), $"{script} --tree: {run.Error}");
        Assert.That(run.Output, Does.StartWith("Default\n"));
        return run;
    }

    private static bool ProgramContains(string text)
    {
        var program = File.ReadAllBytes(Program);
        return program.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }
}
