using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// A shell script sent to a host, as plain data: what dry runs print and tests compare. Scripts built
/// by the command builders stop at the first failure (<c>set -eu</c>) and end by printing <see cref="Ok"/>
/// or <see cref="Changed"/> on their last line, so a second run shows that nothing changed.
/// </summary>
/// <param name="Script">POSIX sh text; sent on standard input ahead of <see cref="Input"/> (never as an argument), run as root (through <c>sudo -n</c> when the login is not root).</param>
/// <param name="Summary">A short human description for logs.</param>
public sealed record RemoteCommand(string Script, string Summary)
{
    public const string Ok = "ok";
    public const string Changed = "changed";

    /// <summary>The script as logs and errors show it: payloads (file contents) may be left out here.</summary>
    public string Display { get; init; } = Script;

    /// <summary>What the script reads on standard input.</summary>
    public CommandInput Input { get; init; } = CommandInput.None;

    /// <summary>
    /// A long step (apt, pip, migrate): its output crosses the wire as it comes, line by line, so that
    /// the executor's heartbeat can show the latest line. Other scripts' output is held back and sent at once.
    /// </summary>
    public bool Streams { get; init; }

    /// <summary>The commands a batch runs in order, each in its own subshell (empty for a single command).</summary>
    public IReadOnlyList<RemoteCommand> Steps { get; init; } = [];

    /// <summary>
    /// For a command whose output is the result (Logs, Manage): each line of its standard output and
    /// error as it comes, for as long as it runs; it then streams, without a heartbeat.
    /// </summary>
    public Action<string>? Echo { get; init; }

    /// <summary>
    /// A command that runs until its standard input closes (Logs --follow): the executor keeps it open
    /// until the run cancels the command, and the connection's end closes it too, so that nothing the
    /// command started on the host outlives the run.
    /// </summary>
    public bool RunsUntilInputCloses { get; init; }

    public override string ToString() => Summary;

    /// <summary>Whether a script's output reports a change; anything but the two words is an error.</summary>
    public static bool ReportsChange(string standardOutput)
    {
        var last = standardOutput.TrimEnd().Split('\n')[^1].Trim();
        return last switch
        {
            Changed => true,
            Ok => false,
            _ => throw new FormatException($"A host script ended with '{last}' instead of '{Ok}' or '{Changed}'."),
        };
    }
}

/// <summary>What a <see cref="RemoteCommand"/> reads on standard input; the executor writes it into the channel.</summary>
public abstract record CommandInput
{
    public static readonly CommandInput None = new Nothing();

    /// <summary>Standard input is closed at once.</summary>
    public sealed record Nothing : CommandInput;

    /// <summary>A stream written by the suite straight into the channel (a release archive).</summary>
    public sealed record Stream(Action<System.IO.Stream> Write) : CommandInput;

    /// <summary>Text that is not secret (a config file): dry-run may show it.</summary>
    public sealed record PlainText(string Content) : CommandInput;

    /// <summary>Text holding secrets: it prints as ***, and is never logged.</summary>
    public sealed record SecretText(Secret Content) : CommandInput;

    /// <summary>Writes the input into <paramref name="destination"/> (nothing for <see cref="Nothing"/>).</summary>
    public void WriteTo(System.IO.Stream destination)
    {
        switch (this)
        {
            case Stream stream:
                stream.Write(destination);
                break;
            case PlainText text:
                destination.Write(System.Text.Encoding.UTF8.GetBytes(text.Content));
                break;
            case SecretText secret:
                destination.Write(System.Text.Encoding.UTF8.GetBytes(secret.Content.Reveal()));
                break;
        }
    }
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

    /// <summary>The command's error output (secrets masked).</summary>
    public string Stderr { get; } = stderr;

    private static string Tail(string stderr)
    {
        var lines = stderr.TrimEnd().Split('\n');
        return lines.Length == 1 && lines[0].Length == 0
            ? "(no error output)"
            : "stderr (last lines):" + Environment.NewLine + string.Join(Environment.NewLine, lines.TakeLast(TailLines).Select(l => "  " + l.TrimEnd('\r')));
    }
}
