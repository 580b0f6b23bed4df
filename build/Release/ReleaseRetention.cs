namespace CoralNet.Deploy.Release;

/// <summary>Which releases a cleanup deletes.</summary>
public static class ReleaseRetention
{
    /// <summary>
    /// All but the newest <paramref name="keep"/> releases, never the serving one, the one before
    /// it (the rollback target), nor one a gunicorn slot points at.
    /// </summary>
    public static IReadOnlyList<string> ToRemove(ReleaseListing listing, int keep)
    {
        if (keep < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(keep), keep, "At least two releases are kept: the serving one and the one before it.");
        }

        var kept = new HashSet<string>(listing.Releases.TakeLast(keep), StringComparer.Ordinal);
        kept.UnionWith(new[] { listing.Current, listing.Previous }.OfType<string>());
        kept.UnionWith(listing.Slots.Values);
        return listing.Releases.Where(r => !kept.Contains(r)).ToList();
    }
}
