using System.Diagnostics;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>A temporary directory for a test: files written by relative path, scripts run in sh.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("release-test-").FullName;

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>Runs a script with sh, feeding <paramref name="input"/> to it; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Output, string Errors) RunSh(string script, Action<Stream>? input = null)
    {
        var start = new ProcessStartInfo("sh", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        input?.Invoke(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }
}
