// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>The known name closest to a misspelled one, by edit distance (a swap of two neighbours counts as one edit).</summary>
public static class NameSuggestion
{
    /// <summary>The closest candidate, or null when none is close enough to be what was meant.</summary>
    public static string? Closest(string wrong, IEnumerable<string> candidates)
    {
        var word = wrong.ToLowerInvariant();
        var best = candidates
            .Select(candidate => (Candidate: candidate, Distance: Distance(word, candidate.ToLowerInvariant())))
            .OrderBy(pair => pair.Distance)
            .ThenBy(pair => pair.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, word.Length / 3) ? best.Candidate : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
