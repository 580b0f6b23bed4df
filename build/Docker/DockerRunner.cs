// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;

namespace Cake.Docker;

/// <summary>The one place the docker client runs: through Cake's process runner, with the settings' environment.</summary>
public static class DockerRunner
{
    /// <summary>
    /// Runs docker with the rendered arguments (and <paramref name="standardInput"/> on its standard
    /// input, which is never logged) and returns its standard output; fails unless it exits 0.
    /// </summary>
    public static string Run(ICakeContext context, AutoToolSettings settings, IReadOnlyList<string> arguments, string? standardInput = null)
    {
        var tool = settings.ToolPath ?? context.Tools.Resolve("docker")
            ?? throw new DockerException("docker: no docker client on PATH; install one or set the settings' ToolPath.");
        var builder = new ProcessArgumentBuilder();
        foreach (var argument in arguments)
        {
            builder.AppendQuoted(argument);
        }

        var shown = "docker " + string.Join(' ', arguments);
        context.Log.Verbose(shown);
        var processSettings = new ProcessSettings
        {
            Arguments = builder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Silent = true,
            EnvironmentVariables = settings.EnvironmentVariables,
        };
        if (standardInput is not null)
        {
            // Only then: Cake's standard-input payload cannot be made from a null string.
            processSettings.SetStandardInput(standardInput);
        }

        var process = context.ProcessRunner.Start(tool, processSettings);
        process.WaitForExit();
        var output = string.Join('\n', process.GetStandardOutput());
        if (process.GetExitCode() != 0)
        {
            var error = string.Join(" | ", process.GetStandardError().Where(line => line.Trim().Length > 0).TakeLast(5));
            throw new DockerException($"'{shown}' failed with exit code {process.GetExitCode()}: {error}");
        }

        return output;
    }
}
