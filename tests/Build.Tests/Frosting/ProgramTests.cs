using System.Diagnostics;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Frosting;

/// <summary>The built program itself, as build.sh runs it.</summary>
public sealed class ProgramTests
{
    private static (int ExitCode, string Output) RunProgram(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SuiteRun.RepositoryRoot };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "Build.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Test]
    public void TreeOfTheDefaultTarget()
    {
        var (exitCode, output) = RunProgram("--tree", "--target=Default");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("Default\n"));
    }

    [Test]
    public void EveryTaskHasADescription()
    {
        var (exitCode, output) = RunProgram("--description");

        Assert.That(exitCode, Is.EqualTo(0), output);
        // Task rows start at the margin; the lines of a task's own options are indented under it.
        var rows = output.Split('\n').Skip(2).Where(line => line.Trim().Length > 0 && !line.StartsWith(' ')).ToList();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows, Has.All.Match(@"^\S+\s{3,}\S"), "a task without a description shows an empty column");
    }

    [Test]
    public void AnUnknownTargetIsAUsageError()
    {
        var (exitCode, output) = RunProgram("--target=Deplyo");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("no task named 'Deplyo': did you mean Deploy?").And.Contain("The targets there are:"));
    }

    [Test]
    public void AMisspelledOptionRunsNothingAndExits2()
    {
        var (exitCode, output) = RunProgram("--targt=Deploy", "--color=never");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("Unknown option --targt: did you mean --target?"));
        Assert.That(output, Does.Not.Contain("Environment 'sandbox'"), "no task, not even the setup, ran");
    }

    [Test]
    public void AMissingWorkingDirectoryIsOneLineNotACrash()
    {
        var (exitCode, output) = RunProgram("--working=/nonexistent", "--color=never");

        Assert.That(exitCode, Is.EqualTo(2));
        // Colour is another part's business: escape codes are taken out before reading the lines.
        var errors = System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;]*m", "").Split('\n').Where(line => line.StartsWith("Error:")).ToList();
        Assert.That(errors, Is.EqualTo(new[] { "Error: --working=/nonexistent: there is no such directory; name the repository's folder (the one with cake.config), or leave --working out to use the current one." }));
        Assert.That(output, Does.Not.Contain("Unhandled").And.Not.Contain("   at "));
    }

    [Test]
    public void HelpListsTheSuitesOptionsToo()
    {
        var (exitCode, output) = RunProgram("--help");

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.Contain("--environment=NAME").And.Contain("--aws-endpoint=URL").And.Contain("--lock-wait=SECONDS").And.Contain("--release=ID")
            .And.Contain("--test-filter=EXPR").And.Contain("--report=FILE.json"));
    }
}
