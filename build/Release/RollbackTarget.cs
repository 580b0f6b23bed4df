namespace CoralNet.Deploy.Release;

/// <summary>Which release a rollback goes to, from the hosts' listings alone.</summary>
public static class RollbackTarget
{
    /// <summary>
    /// <paramref name="requested"/>, or the complete release before the serving one, the same on every host;
    /// refused (before anything changes) when a host lacks it, already serves it, or the hosts disagree.
    /// </summary>
    public static string Choose(IReadOnlyDictionary<string, ReleaseListing> hosts, string? requested)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, listing) in hosts.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var target = requested is null ? listing.Previous : ReleaseId.Require(requested);
            if (target is null)
            {
                throw new ReleaseException($"{name}: there is no release before {listing.Current ?? "(none serving)"} to roll back to; the Releases target lists them.");
            }

            if (!listing.Releases.Contains(target))
            {
                throw new ReleaseException($"{name}: there is no complete release {target}; the Releases target lists them.");
            }

            if (target == listing.Current)
            {
                throw new ReleaseException($"{name}: release {target} is already serving.");
            }

            targets.Add(target);
        }

        return targets.Count == 1
            ? targets.Single()
            : throw new ReleaseException($"The hosts' previous releases differ ({string.Join(", ", targets.Order(StringComparer.Ordinal))}); name one with --release=ID.");
    }
}
