using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Context;

/// <summary>--hosts=web1,web2: the web hosts a run works on, in the inventory's order; a name the inventory lacks is refused before anything is contacted.</summary>
public static class HostSelection
{
    public static IReadOnlyList<SshTarget> Apply(IReadOnlyList<SshTarget> hosts, string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
        {
            return hosts;
        }

        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(name => hosts.All(h => h.Name != name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0 || wanted.Count == 0)
        {
            throw new InvalidOperationException(
                $"--hosts names {(wanted.Count == 0 ? "no host" : "host(s) this environment does not have: " + string.Join(", ", unknown))}; its web hosts are {string.Join(", ", hosts.Select(h => h.Name))}.");
        }

        return [.. hosts.Where(h => wanted.Contains(h.Name))];
    }
}
