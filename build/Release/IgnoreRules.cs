using System.Text;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Patterns in the manner of .gitignore: '#' comments, blank lines, '!' to re-include, a trailing
/// '/' for directories only, a leading or inner '/' anchors the pattern to the site's root (otherwise
/// it matches a name at any depth), '*' and '?' stay within one path segment, '**' crosses them,
/// '[...]' is a character class. The last pattern that matches a path decides.
/// </summary>
public sealed class IgnoreRules
{
    /// <summary>Never part of a release: version control, bytecode, local settings and secrets, the ignore file itself.</summary>
    public static readonly IReadOnlyList<string> BuiltIn =
        [".git/", "__pycache__/", "*.pyc", "*.pyo", "local_settings.py", ".env", ".env.*", ".deployignore"];

    private readonly List<Rule> _rules;

    private IgnoreRules(List<Rule> rules) => _rules = rules;

    public static IgnoreRules Parse(IEnumerable<string> lines)
    {
        var rules = new List<Rule>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var negate = line.StartsWith('!');
            if (negate)
            {
                line = line[1..];
            }

            var directoryOnly = line.EndsWith('/');
            line = line.TrimEnd('/');
            if (line.Length == 0)
            {
                continue;
            }

            var anchored = line.Contains('/');
            line = line.TrimStart('/');
            var prefix = anchored ? "^" : "^(?:.*/)?";
            rules.Add(new Rule(new Regex(prefix + Translate(line) + "$", RegexOptions.CultureInvariant), negate, directoryOnly));
        }

        return new IgnoreRules(rules);
    }

    /// <summary>The built-in rules followed by the site's .deployignore, if it has one.</summary>
    public static IgnoreRules ForSite(string siteDirectory)
    {
        var file = Path.Combine(siteDirectory, ".deployignore");
        return Parse(File.Exists(file) ? BuiltIn.Concat(File.ReadLines(file)) : BuiltIn);
    }

    /// <param name="relativePath">'/'-separated, relative to the site's root.</param>
    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        var ignored = false;
        foreach (var rule in _rules)
        {
            if ((!rule.DirectoryOnly || isDirectory) && rule.Pattern.IsMatch(relativePath))
            {
                ignored = !rule.Negate;
            }
        }

        return ignored;
    }

    private static string Translate(string glob)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slashFollows = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[' && glob.IndexOf(']', i + 1) is var close and > 0)
            {
                var body = glob[(i + 1)..close];
                regex.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                i = close;
            }
            else if (c == '\\' && i + 1 < glob.Length)
            {
                regex.Append(Regex.Escape(glob[++i].ToString()));
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.ToString();
    }

    private sealed record Rule(Regex Pattern, bool Negate, bool DirectoryOnly);
}
