namespace CoralNet.Deploy.Sandbox;

/// <summary>One repository line of an apt sources file: where, which suites, which components.</summary>
public sealed record AptSource(string Uri, IReadOnlyList<string> Suites, IReadOnlyList<string> Components);

/// <summary>
/// Reads this machine's own apt sources (one-line .list files and deb822 .sources files), so that
/// the sandbox uses the mirrors this machine already uses and no mirror name is written in the repository.
/// </summary>
public static class AptSources
{
    public const string ConfigurationFolder = "/etc/apt";

    /// <summary>Every enabled binary ("deb") source in sources.list and sources.list.d/*.list|*.sources.</summary>
    public static IReadOnlyList<AptSource> ReadMachine(string folder = ConfigurationFolder)
    {
        var sources = new List<AptSource>();
        var list = Path.Combine(folder, "sources.list");
        if (File.Exists(list))
        {
            sources.AddRange(ParseOneLine(File.ReadAllText(list)));
        }

        var parts = Path.Combine(folder, "sources.list.d");
        if (Directory.Exists(parts))
        {
            foreach (var file in Directory.GetFiles(parts).Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".list", StringComparison.Ordinal))
                {
                    sources.AddRange(ParseOneLine(File.ReadAllText(file)));
                }
                else if (file.EndsWith(".sources", StringComparison.Ordinal))
                {
                    sources.AddRange(ParseDeb822(File.ReadAllText(file)));
                }
            }
        }

        return sources;
    }

    /// <summary>The sources for one Debian release (suites named after it, such as bookworm-updates), over plain HTTP.</summary>
    public static IReadOnlyList<AptSource> ForRelease(IEnumerable<AptSource> sources, string codename) =>
        sources.Where(s => s.Uri.StartsWith("http://", StringComparison.Ordinal))
            .Select(s => s with { Suites = s.Suites.Where(suite => suite == codename || suite.StartsWith(codename + "-", StringComparison.Ordinal)).ToList() })
            .Where(s => s.Suites.Count > 0)
            .ToList();

    /// <summary>"deb [options] URI SUITE COMPONENT..." lines; comments, deb-src and malformed lines are skipped.</summary>
    public static IEnumerable<AptSource> ParseOneLine(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal) && !line.StartsWith("deb\t", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[3..].Trim();
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }

            var words = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2)
            {
                yield return new AptSource(words[0].TrimEnd('/'), [words[1]], words[2..]);
            }
        }
    }

    /// <summary>deb822 stanzas (Types, URIs, Suites, Components), separated by blank lines; Enabled: no is honoured.</summary>
    public static IEnumerable<AptSource> ParseDeb822(string text)
    {
        foreach (var stanza in text.ReplaceLineEndings("\n").Split("\n\n"))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? last = null;
            foreach (var line in stanza.Split('\n'))
            {
                if (line.StartsWith('#') || line.Trim().Length == 0)
                {
                    continue;
                }

                if (char.IsWhiteSpace(line[0]) && last is not null)
                {
                    fields[last] += " " + line.Trim();
                    continue;
                }

                var colon = line.IndexOf(':');
                if (colon > 0)
                {
                    last = line[..colon].Trim();
                    fields[last] = line[(colon + 1)..].Trim();
                }
            }

            string[] Words(string key) => fields.TryGetValue(key, out var value) ? value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) : [];
            if (!Words("Types").Contains("deb") || Words("Enabled").SequenceEqual(["no"]))
            {
                continue;
            }

            foreach (var uri in Words("URIs"))
            {
                yield return new AptSource(uri.TrimEnd('/'), Words("Suites"), Words("Components"));
            }
        }
    }
}
