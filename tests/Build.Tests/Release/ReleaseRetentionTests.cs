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

    [Test]
    public void After_a_cutover_the_listing_holds_the_new_release_as_current_in_its_slot_and_the_old_one_stays()
    {
        // Read under the lock: Ids[0..6] on the host, Ids[5] serving from 8001, 8002 still on Ids[4].
        var before = new ReleaseListing(Ids[..6], Ids[5], new Dictionary<int, string> { [8001] = Ids[5], [8002] = Ids[4] }, 8001);

        var after = before.AfterCutover(Ids[6], 8002);

        Assert.That((after.Releases, after.Current, after.ServingSlot), Is.EqualTo((Ids[..7], Ids[6], (int?)8002)));
        Assert.That(after.Slots, Is.EqualTo(new Dictionary<int, string> { [8001] = Ids[5], [8002] = Ids[6] }));
        Assert.That(after.Previous, Is.EqualTo(Ids[5]));
        Assert.That(ReleaseRetention.ToRemove(after, keep: 3), Is.EqualTo(new[] { Ids[0], Ids[1], Ids[2], Ids[3] }));
        Assert.That(before.AfterCutover(Ids[5], 8002).Releases, Is.EqualTo(Ids[..6]), "a rollback to a release the host has adds none");
        Assert.That(() => before.AfterCutover("../../etc", 8002), Throws.TypeOf<ReleaseException>());
    }
}
