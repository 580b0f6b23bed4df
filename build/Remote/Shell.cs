namespace CoralNet.Deploy.Remote;

/// <summary>Quoting for POSIX sh: every value that reaches a command line goes through here.</summary>
public static class Shell
{
    /// <summary>The value as one sh word: single-quoted, inner quotes written '\''.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The command line that runs a script sent first on standard input, <paramref name="scriptBytes"/>
    /// long (UTF-8): the script never travels as an argument (no 128 KiB limit per argument, nothing of
    /// it in <c>ps</c>), and what follows it on standard input is the script's own input. Unless it
    /// streams, its standard output is held back and written at once when it ends, with its exit code:
    /// one SSH data packet instead of one per line the script prints (standard error passes through).
    /// </summary>
    public static string ScriptFromStandardInput(int scriptBytes, bool streams)
    {
        var read = $"s=$(head -c {scriptBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}); ";
        return streams
            ? read + "eval \"$s\""
            : read + "o=$( (eval \"$s\"); echo \"~$?\"); printf '%s' \"${o%~*}\"; exit \"${o##*~}\"";
    }

    /// <summary>
    /// The command as root, run by sh whatever the login's shell: directly for root, through non-interactive
    /// sudo otherwise; under <c>timeout</c> on the host when <paramref name="hostTimeout"/> is given, so that a
    /// script whose connection was lost never runs on past it (TERM, then KILL 10 s later).
    /// </summary>
    public static string AsRoot(string script, bool isRoot, TimeSpan? hostTimeout = null) =>
        (isRoot ? "" : "sudo -n ")
        + (hostTimeout is { } limit ? $"timeout -k 10 {Math.Ceiling(limit.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} " : "")
        + "sh -c " + Quote(script);
}
