using System.Diagnostics;
using System.Text;

namespace CoralNet.Deploy.Tests.Support;

/// <summary>
/// Runs the suite as its own process (./build.sh), as a person or CI does, so that a test can send it a
/// signal or kill it: <paramref name="onLine"/> sees each line of its output as it comes, with the process.
/// </summary>
public static class SuiteProcess
{
    /// <summary>
    /// For env(1), before it runs the suite: SIGINT and SIGQUIT as a terminal's program gets them. A test
    /// run started in the background of a shell (`cmd &amp;`) inherits them ignored, and .NET keeps an
    /// inherited ignore, so a test's SIGINT would never reach the suite.
    /// </summary>
    public const string DefaultSignals = "--default-signal=INT,QUIT";

    public static (int ExitCode, string Output) Run(string repositoryRoot, IReadOnlyList<string> args, Action<string, Process>? onLine = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("env", [DefaultSignals, Path.Combine(repositoryRoot, "build.sh"), .. args])
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NO_COLOR"] = "1" },
        };
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        void Take(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            onLine?.Invoke(line, process);
        }

        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The suite did not end within its time: {string.Join(' ', args)}{Environment.NewLine}{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
