using CoralNet.Deploy.Container;

namespace CoralNet.Deploy.Tests.Container;

public sealed class LocalImageRetentionTests
{
    private const string Site = "10.213.0.1:5100/coralnet";
    private const string Ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/coralnet-production";
    private const string Base = "localhost/coralnet-base:aaaaaaaaaaaa";

    private static string Release(int day) => $"202611{day:00}T000000Z-0000000{day % 10}";

    [Test]
    public void The_newest_releases_the_hosts_keep_stay_with_their_commit_names_and_the_current_base_and_the_rest_go()
    {
        string[] listing =
        [
            $"{Site}:{Release(20)} id20", $"{Site}:git-old id20", $"{Ecr}:{Release(20)} id20",
            $"{Site}:{Release(21)} id21", $"{Site}:git-mid id21", $"{Ecr}:{Release(21)} id21",
            $"{Site}:{Release(22)} id22", $"{Site}:git-new id22", $"{Ecr}:{Release(22)} id22",
            $"{Base} idbase", "localhost/coralnet-base:bbbbbbbbbbbb idoldbase",
            "10.213.0.1:5100/othersite:20261101T000000Z-00000000 idother", "<none>:<none> iddangling", "docker.io/library/debian:12 iddebian",
        ];

        var removed = LocalImageRetention.ToRemove(listing, [Site, Ecr], keep: 2, built: Release(22), Base);

        Assert.That(removed, Is.EquivalentTo(new[] { $"{Site}:{Release(20)}", $"{Site}:git-old", $"{Ecr}:{Release(20)}", "localhost/coralnet-base:bbbbbbbbbbbb" }));
    }

    [Test]
    public void The_release_this_run_built_is_kept_whatever_its_rank()
    {
        string[] listing = [$"{Site}:{Release(20)} id20", $"{Site}:{Release(21)} id21", $"{Site}:{Release(22)} id22"];

        Assert.That(LocalImageRetention.ToRemove(listing, [Site], keep: 2, built: Release(20), Base), Is.Empty, "a rollback's rebuild of an older release");
        Assert.That(LocalImageRetention.ToRemove(listing, [Site], keep: 1, built: Release(21), Base), Is.EqualTo(new[] { $"{Site}:{Release(20)}" }));
    }
}
