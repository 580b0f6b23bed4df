namespace CoralNet.Deploy.Remote;

/// <summary>A shell script sent to a host, as plain data: what dry runs print and tests compare.</summary>
/// <param name="Script">POSIX sh text; run as root (through <c>sudo -n</c> when the login is not root).</param>
/// <param name="Summary">A short human description for logs.</param>
public sealed record RemoteCommand(string Script, string Summary)
{
    /// <summary>The script as logs and errors show it: payloads (file contents) may be left out here.</summary>
    public string Display { get; init; } = Script;

    public override string ToString() => Summary;
}

/// <summary>What a command gave back.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>A command failed: says where, what (secrets masked), how, and the end of its error output.</summary>
public sealed class RemoteCommandException(string host, string command, int exitCode, string stderr)
    : Exception($"{host}: command failed with exit code {exitCode}: {command}{Environment.NewLine}{Tail(stderr)}")
{
    public const int TailLines = 20;

    public string Host { get; } = host;

    public int ExitCode { get; } = exitCode;

    private static string Tail(string stderr)
    {
        var lines = stderr.TrimEnd().Split('\n');
        return lines.Length == 1 && lines[0].Length == 0
            ? "(no error output)"
            : "stderr (last lines):" + Environment.NewLine + string.Join(Environment.NewLine, lines.TakeLast(TailLines).Select(l => "  " + l.TrimEnd('\r')));
    }
}
