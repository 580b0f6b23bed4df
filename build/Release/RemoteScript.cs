using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>
/// One command for a host, as plain data: a POSIX sh script (run with <c>sh -c</c>, as root) and what
/// it reads on standard input. Scripts stop at the first failure (<c>set -eu</c>) and end by printing
/// <see cref="Ok"/> or <see cref="Changed"/> on their last line, so a second run shows that nothing changed.
/// Built only by <see cref="ReleaseCommands"/>; run by the remote executor.
/// </summary>
public sealed record RemoteScript(string Title, string Script)
{
    public const string Ok = "ok";
    public const string Changed = "changed";

    public ScriptInput Input { get; init; } = ScriptInput.None;

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

/// <summary>What a <see cref="RemoteScript"/> reads on standard input.</summary>
public abstract record ScriptInput
{
    public static readonly ScriptInput None = new Nothing();

    public sealed record Nothing : ScriptInput;

    /// <summary>The release archive of <see cref="ReleaseTar"/>, written by the executor straight into the channel.</summary>
    public sealed record ReleaseArchive(Action<Stream> WriteTo) : ScriptInput;

    /// <summary>Text that is not secret (a config file): dry-run may show it.</summary>
    public sealed record PlainText(string Content) : ScriptInput;

    /// <summary>Text holding secrets: it prints as ***, and is never logged.</summary>
    public sealed record SecretText(Secret Content) : ScriptInput;
}
