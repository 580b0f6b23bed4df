using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>The rollback target, chosen from the hosts' listings alone.</summary>
public sealed class RollbackTargetTests
{
    private const string First = "20261120T000000Z-aaaaaaaa";
    private const string Second = "20261121T000000Z-bbbbbbbb";
    private const string Third = "20261122T000000Z-cccccccc";

    private static ReleaseListing Serving(string current, params string[] releases) =>
        new(releases, current, new Dictionary<int, string>(), 8001);

    [Test]
    public void By_default_the_complete_release_before_the_serving_one_the_same_on_every_host()
    {
        var hosts = new Dictionary<string, ReleaseListing> { ["web1"] = Serving(Third, First, Second, Third), ["web2"] = Serving(Third, Second, Third) };

        Assert.That(RollbackTarget.Choose(hosts, requested: null), Is.EqualTo(Second));
        Assert.That(RollbackTarget.Choose(hosts, requested: Second), Is.EqualTo(Second));
    }

    [Test]
    public void An_incomplete_release_is_never_a_target()
    {
        var host = Serving(Third, First, Third) with { Incomplete = [Second] };
        var hosts = new Dictionary<string, ReleaseListing> { ["web1"] = host };

        Assert.That(RollbackTarget.Choose(hosts, requested: null), Is.EqualTo(First), "the one before the serving one among the complete ones");
        Assert.That(() => RollbackTarget.Choose(hosts, requested: Second), Throws.TypeOf<ReleaseException>().With.Message.Contains($"no complete release {Second}"));
    }

    [Test]
    public void Refused_before_anything_changes_when_a_host_lacks_it_serves_it_or_the_hosts_disagree()
    {
        Assert.That(() => RollbackTarget.Choose(new Dictionary<string, ReleaseListing> { ["web1"] = Serving(First, First) }, null),
            Throws.TypeOf<ReleaseException>().With.Message.Contains("no release before"));
        Assert.That(() => RollbackTarget.Choose(new Dictionary<string, ReleaseListing> { ["web1"] = Serving(Second, First, Second) }, Second),
            Throws.TypeOf<ReleaseException>().With.Message.Contains("already serving"));
        Assert.That(() => RollbackTarget.Choose(new Dictionary<string, ReleaseListing> { ["web1"] = Serving(Third, First, Third), ["web2"] = Serving(Third, Second, Third) }, null),
            Throws.TypeOf<ReleaseException>().With.Message.Contains("differ").And.Message.Contains("--release=ID"));
        Assert.That(() => RollbackTarget.Choose(new Dictionary<string, ReleaseListing> { ["web1"] = Serving(Third, First, Third) }, "../etc"),
            Throws.TypeOf<ReleaseException>().With.Message.Contains("is not a release id"));
    }
}
