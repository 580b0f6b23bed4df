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
        var rows = output.Split('\n').Skip(2).Where(line => line.Trim().Length > 0).ToList();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows, Has.All.Match(@"^\S+\s{3,}\S"), "a task without a description shows an empty column");
    }

    [Test]
    public void AnUnknownTargetExitsNonZero()
    {
        var (exitCode, output) = RunProgram("--target=NoSuchTarget");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("The targets there are:").And.Contain("Deploy"));
    }
}
