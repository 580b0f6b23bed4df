using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Release;

/// <summary>Quoting for POSIX sh: a word goes into a script exactly as given.</summary>
public static partial class Sh
{
    public static string Quote(string word) =>
        word.Length > 0 && Safe().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_./:@%+=,-]+$")]
    private static partial Regex Safe();
}
