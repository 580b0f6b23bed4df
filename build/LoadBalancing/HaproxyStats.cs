namespace CoralNet.Deploy.LoadBalancing;

/// <summary>One server of a backend as HAProxy's <c>show stat</c> reports it.</summary>
/// <param name="Sessions">Its current sessions (scur): requests in flight there.</param>
/// <param name="Status">UP, DOWN, DRAIN, MAINT, or a transition such as "UP 1/2" (failing checks, still up).</param>
public sealed record ServerStat(string Backend, string Server, int Sessions, string Status)
{
    /// <summary>In service and healthy: HAProxy sends it new requests.</summary>
    public bool Serving => Status == "UP";
}

/// <summary>Reads the CSV of HAProxy's <c>show stat</c> (its header names the columns).</summary>
public static class HaproxyStats
{
    public static IReadOnlyList<ServerStat> Parse(string csv, string backend)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new LoadBalancerException("HAProxy's show stat answered without its header line: " + Shorten(csv));
        var columns = header[2..].Split(',');
        int Column(string name) => Array.IndexOf(columns, name) is var index and >= 0 ? index : throw new LoadBalancerException($"HAProxy's show stat has no column {name}.");
        var (proxy, server, sessions, status) = (Column("pxname"), Column("svname"), Column("scur"), Column("status"));
        return lines.Where(l => !l.StartsWith('#')).Select(l => l.Split(','))
            .Where(f => f.Length > status && f[proxy] == backend && f[server] is not ("BACKEND" or "FRONTEND"))
            .Select(f => new ServerStat(f[proxy], f[server], int.TryParse(f[sessions], out var n) ? n : 0, f[status]))
            .ToList();
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] : text;
}
