namespace CoralNet.Deploy.Remote;

/// <summary>Quoting for POSIX sh: every value that reaches a command line goes through here.</summary>
public static class Shell
{
    /// <summary>The value as one sh word: single-quoted, inner quotes written '\''.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The script run by sh with its standard output held back and written at once when it ends, with
    /// its exit code: one SSH data packet instead of one per line the script prints (standard input and
    /// error pass through).
    /// </summary>
    public static string Buffered(string script) => $"o=$(sh -c {Quote(script)}; echo \"~$?\"); printf '%s' \"${{o%~*}}\"; exit \"${{o##*~}}\"";

    /// <summary>The command as root: unchanged for root, through non-interactive sudo otherwise.</summary>
    public static string AsRoot(string script, bool isRoot) => isRoot ? script : "sudo -n sh -c " + Quote(script);
}
