namespace CoralNet.Deploy.Remote;

/// <summary>Quoting for POSIX sh: every value that reaches a command line goes through here.</summary>
public static class Shell
{
    /// <summary>The value as one sh word: single-quoted, inner quotes written '\''.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The command as root: unchanged for root, through non-interactive sudo otherwise.</summary>
    public static string AsRoot(string script, bool isRoot) => isRoot ? script : "sudo -n sh -c " + Quote(script);
}
