using System.Text.RegularExpressions;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>The git commit each release on the web hosts records: to name a release by a commit prefix (Rollback --release=), and to say which commit a rollback serves.</summary>
public sealed partial class ReleaseCommits
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _byHost;

    private ReleaseCommits(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> byHost) => _byHost = byHost;

    public static async Task<ReleaseCommits> ReadAsync(IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts, OperatorCommands commands)
    {
        var listings = await Task.WhenAll(hosts.Select(async host => (host.Name, (await executor.RunAsync(host, commands.ReleaseCommits())).Stdout)));
        return new ReleaseCommits(listings.ToDictionary(l => l.Name, l => Parse(l.Stdout)));
    }

    /// <summary>Reads "ID\tCOMMIT" lines: release to commit (releases without a recorded commit left out).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string output) => output.Split('\n')
        .Select(line => line.TrimEnd('\r').Split('\t'))
        .Where(f => f is [var id, var commit] && ReleaseId.IsValid(id) && commit.Length > 0)
        .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);

    /// <summary>The commit a release records on the first host that has it, if any.</summary>
    public string? CommitOf(string releaseId) =>
        _byHost.Values.Select(releases => releases.GetValueOrDefault(releaseId)).FirstOrDefault(c => c is not null);

    /// <summary>
    /// <paramref name="requested"/> as a release id: itself when it is one, else the newest release on
    /// every host whose commit starts with it (at least 4 hex digits); refused when none or several commits match.
    /// </summary>
    public string Resolve(string requested)
    {
        if (ReleaseId.IsValid(requested))
        {
            return requested;
        }

        if (!CommitPrefix().IsMatch(requested))
        {
            throw new ReleaseException($"'{requested}' is neither a release id (e.g. 20261125T234501Z-3f2a9c1b) nor a commit prefix (4 to 40 hex digits); the Releases target lists the releases, Status the serving commit.");
        }

        var prefix = requested.ToLowerInvariant();
        var onEveryHost = _byHost.Values
            .Select(releases => releases.Where(r => r.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal))
            .Aggregate((a, b) => [.. a.Intersect(b, StringComparer.Ordinal)]);
        var commits = onEveryHost.Select(id => CommitOf(id)!).Distinct(StringComparer.Ordinal).ToList();
        return commits.Count switch
        {
            0 => throw new ReleaseException($"No release on every web host records a commit starting with {requested}; the Releases target lists them."),
            1 => onEveryHost.Max(StringComparer.Ordinal)!,
            _ => throw new ReleaseException($"The commit prefix {requested} matches several commits ({string.Join(", ", commits.Select(c => c[..12]))}); give more digits."),
        };
    }

    [GeneratedRegex("^[0-9a-fA-F]{4,40}$")]
    private static partial Regex CommitPrefix();
}
