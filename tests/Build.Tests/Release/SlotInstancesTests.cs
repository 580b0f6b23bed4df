using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>How a host runs the site's instances, read from its slots' unit by the listing's script (run here with sh), and the refusal of a run that would change it in place.</summary>
public sealed class SlotInstancesTests
{
    private static readonly SiteSettings Site = new() { Name = "coralnet", Root = "/srv/www" };
    private static readonly ReleasePaths Paths = new("/srv/www", "coralnet");
    private string _folder = null!;

    [SetUp]
    public void MakeFolder() => _folder = Directory.CreateTempSubdirectory("slot-instances-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private string? Listed(string? unit)
    {
        var file = Path.Combine(_folder, "coralnet-gunicorn@.service");
        if (unit is not null)
        {
            File.WriteAllText(file, unit);
        }

        var output = new LocalRunner(_ => { }).Run(new LocalCommand("sh", "-c", SlotInstances.ListingScript(file)));
        return ReleaseListing.Parse(output).Instances;
    }

    [Test]
    public void The_listing_reads_the_host_runtime_or_the_engine_from_the_installed_unit_and_nothing_without_one()
    {
        Assert.That(Listed(SiteTemplates.GunicornService(Site, Paths)), Is.EqualTo("host"));
        Assert.That(Listed(SiteTemplates.ContainerService(Site, Paths, HostEngine.Podman)), Is.EqualTo("podman"));
        Assert.That(Listed(SiteTemplates.ContainerService(Site, Paths, HostEngine.Docker)), Is.EqualTo("docker"));
        File.Delete(Path.Combine(_folder, "coralnet-gunicorn@.service"));
        Assert.That(Listed(null), Is.Null);
    }

    [Test]
    public void A_run_is_refused_on_a_host_whose_instances_run_otherwise_saying_which_settings_keep_it()
    {
        var host = ReleaseListing.Parse("instances\thost\n");
        var container = new SiteSettings { Name = "coralnet", Runtime = SiteRuntime.Container };

        var refusal = SlotInstances.Refusal("web1", host, SlotInstances.Wanted(container, HostEngine.Docker));

        Assert.That(refusal, Does.StartWith("web1 runs the site with the host runtime (gunicorn from a venv), and this run's settings say containers run by docker")
            .And.Contain("--site_runtime=host").And.Contain("Nothing was changed."));
        Assert.That(SlotInstances.Refusal("web1", ReleaseListing.Parse("instances\tpodman\n"), SlotInstances.Wanted(container, HostEngine.Docker)),
            Does.Contain("--site_runtime=container --container_hostengine=podman"));
        Assert.That(SlotInstances.Refusal("web1", host, SlotInstances.Wanted(Site, HostEngine.Docker)), Is.Null, "the host runtime, whatever the engine");
        Assert.That(SlotInstances.Refusal("web1", ReleaseListing.Parse(""), SlotInstances.Wanted(container, HostEngine.Podman)), Is.Null, "a fresh host");
    }
}
