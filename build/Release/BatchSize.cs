using System.Globalization;

namespace CoralNet.Deploy.Release;

/// <summary>How many web hosts a rolling deploy cuts over at a time: a count (<c>2</c>) or a share of them (<c>34%</c>, rounded down, at least one).</summary>
public sealed record BatchSize(int Count, bool IsPercent)
{
    public static readonly BatchSize One = new(1, false);

    /// <summary>Null (with why) when <paramref name="text"/> is neither a whole number above 0 nor a percentage from 1% to 100%.</summary>
    public static BatchSize? TryParse(string text, out string? problem)
    {
        var percent = text.EndsWith('%');
        var number = percent ? text[..^1] : text;
        if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 && (!percent || count <= 100))
        {
            problem = null;
            return new BatchSize(count, percent);
        }

        problem = $"'{text}' is not a batch size: give a number of web hosts (2) or a share of them (34%).";
        return null;
    }

    /// <summary>
    /// The hosts in batches, in their order. A batch never holds every host of several: the load
    /// balancer keeps at least one serving (a larger size is cut to one less than all).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<T>> Split<T>(IReadOnlyList<T> hosts)
    {
        var size = IsPercent ? hosts.Count * Count / 100 : Count;
        size = Math.Clamp(size, 1, Math.Max(1, hosts.Count - 1));
        return hosts.Chunk(size).Select(batch => (IReadOnlyList<T>)batch).ToList();
    }

    public override string ToString() => IsPercent ? $"{Count}%" : Count.ToString(CultureInfo.InvariantCulture);
}
