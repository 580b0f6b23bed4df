using System.Text;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// Builds the one script that inspects every item of a host in a single round trip, and splits its
/// output back into each item's lines.
/// </summary>
public static class ProbeScript
{
    private const string Marker = "### item ";
    private const string EndMarker = "### end";

    /// <summary>
    /// Shell functions the fragments share. <c>st PATH</c> prints "absent", "link TARGET", or
    /// "stat TYPE|OWNER|GROUP|MODE" followed, for a regular file, by "sha SHA256".
    /// </summary>
    public const string Prelude = """
        st() {
          if [ -L "$1" ]; then echo "link $(readlink -- "$1")"
          elif [ -e "$1" ]; then
            stat -c 'stat %F|%U|%G|%a' -- "$1"
            if [ -f "$1" ]; then set -- $(sha256sum -- "$1"); echo "sha $1"; fi
          else echo absent; fi
        }
        """;

    public static string Build(IReadOnlyList<IHostResource> items)
    {
        var script = new StringBuilder(Prelude).Append('\n');
        for (var i = 0; i < items.Count; i++)
        {
            script.Append("echo '").Append(Marker).Append(i).Append("'\n{\n").Append(items[i].Probe).Append("\n} 2>/dev/null\n");
        }

        return script.Append("echo '").Append(EndMarker).Append("'\n").ToString();
    }

    /// <summary>Each item's output lines, in the items' order; throws when the output is cut or garbled.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Parse(string output, int itemCount)
    {
        var sections = new List<List<string>>();
        var ended = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == EndMarker)
            {
                ended = true;
                break;
            }

            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                if (line != Marker + sections.Count)
                {
                    throw new FormatException($"Probe output out of order: expected item {sections.Count}, found '{line}'.");
                }

                sections.Add([]);
            }
            else if (sections.Count > 0)
            {
                sections[^1].Add(line);
            }
        }

        if (!ended || sections.Count != itemCount)
        {
            throw new FormatException($"Probe output incomplete: {sections.Count} of {itemCount} items{(ended ? "" : ", no end marker")}.");
        }

        return sections;
    }
}
