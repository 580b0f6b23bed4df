using System.Diagnostics;

namespace CoralNet.Deploy.Sandbox;

/// <summary>What a finished local command said.</summary>
public sealed record LocalResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs <see cref="LocalCommand"/>s on this machine: the only place the sandbox starts a process.</summary>
public sealed class LocalRunner(Action<string> log)
{
    /// <summary>Runs the command and fails with its error output unless it exits 0.</summary>
    public string Run(LocalCommand command)
    {
        var result = TryRun(command);
        if (!result.Succeeded)
        {
            var detail = (result.Error.Trim().Length > 0 ? result.Error : result.Output).Trim().ReplaceLineEndings(" | ");
            throw new SandboxException($"'{command}' failed with exit code {result.ExitCode}: {Shorten(detail)}");
        }

        return result.Output;
    }

    /// <summary>Runs the command and returns what it said, whatever its exit code.</summary>
    public LocalResult TryRun(LocalCommand command)
    {
        log(command.ToString());
        var start = new ProcessStartInfo(command.Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory ?? "",
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SandboxException($"'{command.Program}' could not be started.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new SandboxException($"'{command.Program}' could not be started ({exception.Message}); is it installed?");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                if (command.Input is not null)
                {
                    process.StandardInput.Write(command.Input);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program ended before reading its input: its exit code and stderr say why.
            }

            process.WaitForExit();
            return new LocalResult(process.ExitCode, output.Result, error.Result);
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : "..." + text[^600..];
}
