using System.Diagnostics;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Output;

/// <summary>The built program run as a process, its standard output and error kept apart, as bytes.</summary>
internal static class ProgramProcess
{
    public sealed record Result(int ExitCode, byte[] Stdout, byte[] Stderr)
    {
        public string Out => System.Text.Encoding.UTF8.GetString(Stdout);

        public string Err => System.Text.Encoding.UTF8.GetString(Stderr);
    }

    public static string Program => Path.Combine(TestContext.CurrentContext.TestDirectory, "Build.dll");

    /// <summary>Runs the program in <paramref name="workingDirectory"/>, both streams redirected (pipes).</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(Program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        SetEnvironment(start, environment);
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var error = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output);
        var copyErr = process.StandardError.BaseStream.CopyToAsync(error);
        process.WaitForExit();
        Task.WaitAll(copyOut, copyErr);
        return new Result(process.ExitCode, output.ToArray(), error.ToArray());
    }

    public static Result Run(params string[] args) => Run(SuiteRun.RepositoryRoot, new Dictionary<string, string?>(), args);

    /// <summary>
    /// Runs the program on a pseudo-terminal (util-linux <c>script</c>): what a person at a terminal sees,
    /// standard output and error together.
    /// </summary>
    public static string RunOnTerminal(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var command = "dotnet " + string.Join(' ', new[] { Program }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = SuiteRun.RepositoryRoot };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        SetEnvironment(start, environment);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, output.Result);
        return output.Result;
    }

    /// <summary>The test run's own environment may say NO_COLOR or TERM: each test says what it wants.</summary>
    private static void SetEnvironment(ProcessStartInfo start, IReadOnlyDictionary<string, string?> environment)
    {
        start.Environment.Remove("NO_COLOR");
        start.Environment["TERM"] = "xterm-256color";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
    }
}
