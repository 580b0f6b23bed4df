using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

public sealed class ReleaseRetentionTests
{
    private static readonly string[] Ids = Enumerable.Range(1, 8).Select(day => $"202611{day:00}T000000Z-0000000{day}").ToArray();

    [Test]
    public void KeepsTheNewestAndNeverTheServingOneOrTheOneBeforeIt()
    {
        // Serving an old release (after a rollback): it and its predecessor stay, as do the newest three.
        var listing = new ReleaseListing(Ids, Current: Ids[2], Slots: new Dictionary<int, string> { [8001] = Ids[2], [8002] = Ids[7] }, ServingSlot: 8001);

        Assert.That(ReleaseRetention.ToRemove(listing, keep: 3), Is.EqualTo(new[] { Ids[0], Ids[3], Ids[4] }));
    }

    [Test]
    public void KeepsEverythingWhenThereAreFewReleases()
    {
        var listing = new ReleaseListing(Ids[..2], Ids[1], new Dictionary<int, string>(), null);

        Assert.That(ReleaseRetention.ToRemove(listing, keep: 5), Is.Empty);
        Assert.That(() => ReleaseRetention.ToRemove(listing, keep: 1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
