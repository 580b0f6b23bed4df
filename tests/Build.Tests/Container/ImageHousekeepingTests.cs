using CoralNet.Deploy.Container;

namespace CoralNet.Deploy.Tests.Container;

public sealed class ImageHousekeepingTests
{
    private const string Site = "10.213.0.1:5100/coralnet";

    [Test]
    public void What_the_retention_names_is_removed_and_a_name_the_engine_keeps_is_said_in_detail_only()
    {
        string[] listing =
        [
            $"{Site}:20261120T000000Z-00000000 id20", $"{Site}:20261121T000000Z-00000001 id21", $"{Site}:20261122T000000Z-00000002 id22",
            "localhost/coralnet-base:new idnew", "localhost/coralnet-base:old idold",
        ];
        var image = new SiteImage("context", "Dockerfile", false, $"{Site}:20261122T000000Z-00000002", null, "localhost/coralnet-base:new");
        var asked = new List<string>();
        var said = new List<string>();
        var details = new List<string>();
        // The engine refuses the old base: the kept release 21's image still stands on it.
        string? Remove(string name)
        {
            asked.Add(name);
            return name.EndsWith(":old", StringComparison.Ordinal) ? "image is being used by a stopped container" : null;
        }

        var failure = new ImageHousekeeping(Remove, registry: null, said.Add, details.Add).Run(listing, image, [Site], keep: 2);

        Assert.That(failure, Is.Null, "no registry of the suite's to forget anything");
        Assert.That(asked, Is.EquivalentTo(new[] { $"{Site}:20261120T000000Z-00000000", "localhost/coralnet-base:old" }));
        Assert.That(said, Is.EqualTo(new[] { "removed 1 image name(s) of releases this machine no longer keeps" }));
        Assert.That(details, Is.EqualTo(new[] { "kept localhost/coralnet-base:old: image is being used by a stopped container" }));
    }
}
