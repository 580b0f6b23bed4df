namespace CoralNet.Deploy.Release;

/// <summary>A snapshot of the site directory and the release it makes: nothing of it has reached a host.</summary>
public sealed record ReleasePackage(SiteSnapshot Snapshot, string Id, DateTimeOffset MadeAt)
{
    public static ReleasePackage Take(string siteDirectory, DateTimeOffset madeAt)
    {
        var snapshot = SiteSnapshot.Take(siteDirectory);
        return new ReleasePackage(snapshot, ReleaseId.Create(madeAt, snapshot.Manifest), madeAt);
    }

    /// <summary>The manifest's full hash: what a host's release must hold to carry the same content.</summary>
    public string ContentHash => Snapshot.Manifest.ContentHash();
}
