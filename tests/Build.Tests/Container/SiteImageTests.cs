using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

public sealed class SiteImageTests
{
    private static DeploySettings Settings() => new() { Site = { Name = "coralnet", Workers = 2 }, Container = { Registry = "127.0.0.1:5100" } };

    [Test]
    public void Without_a_Dockerfile_the_template_is_rendered_beside_the_context_with_the_app_layer_last()
    {
        using var site = new TempDirectory();
        site.Write("project/manage.py", "print('hi')\n");
        site.Write("project/local_settings.py", "SECRET = 1\n");
        site.Write(".deployignore", "project/local_settings.py\n");
        using var artifacts = new TempDirectory();
        var layout = new ContainerLayout(artifacts.Path);

        var image = SiteImage.Prepare(layout, SiteSnapshot.Take(site.Path), "20261202T010000Z-0123abcd", "abc123def456", Settings(), "localhost/coralnet-base:x");

        Assert.That(image.SiteOwnDockerfile, Is.False);
        Assert.That(image.Dockerfile, Is.EqualTo(layout.RenderedDockerfile));
        Assert.That(Path.GetDirectoryName(image.Dockerfile), Is.Not.EqualTo(image.ContextDirectory));
        Assert.That((image.ReleaseTag, image.CommitTag), Is.EqualTo(("127.0.0.1:5100/coralnet:20261202T010000Z-0123abcd", "127.0.0.1:5100/coralnet:git-abc123def456")));
        Assert.That(image.ReleaseId, Is.EqualTo("20261202T010000Z-0123abcd"));
        Assert.That(File.Exists(Path.Combine(image.ContextDirectory, "project", "manage.py")), Is.True);
        Assert.That(File.Exists(Path.Combine(image.ContextDirectory, "project", "local_settings.py")), Is.False, ".deployignore applies to the image too");
        var instructions = File.ReadAllLines(image.Dockerfile).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        Assert.That(instructions[0], Is.EqualTo("FROM localhost/coralnet-base:x"));
        Assert.That(instructions[^1], Is.EqualTo("COPY . /srv/site"));
        Assert.That(instructions, Has.Some.EqualTo("USER 65534:65534"));
    }

    [Test]
    public void A_site_s_own_Dockerfile_is_used_from_the_context_and_a_checkout_without_git_gets_no_commit_tag()
    {
        using var site = new TempDirectory();
        site.Write("Dockerfile", "FROM scratch\nCOPY . /x\n");
        using var artifacts = new TempDirectory();
        var layout = new ContainerLayout(artifacts.Path);

        var image = SiteImage.Prepare(layout, SiteSnapshot.Take(site.Path), "20261202T010000Z-0123abcd", null, Settings(), "unused");

        Assert.That(image.SiteOwnDockerfile, Is.True);
        Assert.That(File.ReadAllText(image.Dockerfile), Is.EqualTo("FROM scratch\nCOPY . /x\n"));
        Assert.That(File.Exists(layout.RenderedDockerfile), Is.False);
        Assert.That(image.CommitTag, Is.Null);
    }

    [TestCase("127.0.0.1:5100/coralnet:git-abc", "127.0.0.1:5100/coralnet", "git-abc")]
    [TestCase("localhost/coralnet-base:x", "localhost/coralnet-base", "x")]
    [TestCase("<none>:<none>", "<none>", "<none>")]
    public void An_image_name_splits_at_its_last_colon_whatever_the_registry_s_port(string name, string repository, string tag)
    {
        Assert.That(ImageName.Parse(name), Is.EqualTo(new ImageName(repository, tag)));
        Assert.That(ImageName.Parse(name).ToString(), Is.EqualTo(name));
    }

    [Test]
    public void The_engine_configuration_keeps_podman_off_this_machine_s_network_and_in_the_checkout_s_state_folder()
    {
        var layout = new ContainerLayout("/var/lib/coralnet-deploy/0123456789abcdef");
        var engine = ContainerTemplates.EngineConfiguration(layout);
        var storage = ContainerTemplates.StorageConfiguration(layout);

        Assert.That(engine, Does.Contain("netns = \"none\"").And.Contain("runtime = \"runc\"").And.Contain("cgroup_manager = \"cgroupfs\"")
            .And.Contain("events_logger = \"file\"").And.Contain("default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]"));
        Assert.That(storage, Does.Contain("graphroot = \"/var/lib/coralnet-deploy/0123456789abcdef/storage\"").And.Contain("runroot = \"/var/lib/coralnet-deploy/0123456789abcdef/run\""));
        Assert.That(ContainerTemplates.RegistriesConfiguration(new ContainerSettings { Registry = "10.213.0.1:5100" }),
            Does.Contain("location = \"10.213.0.1:5100\"").And.Contain("unqualified-search-registries = []"));
    }

    [Test]
    public void The_base_image_is_named_after_its_install_script()
    {
        var layout = new ContainerLayout("/var/lib/coralnet-deploy/0123456789abcdef");
        var plain = new ContainerBaseImage(layout, "/tree", new SiteSettings());
        var withPillow = new ContainerBaseImage(layout, "/tree", new SiteSettings { ExtraPackages = ["python3-pil"] });

        Assert.That(plain.InstallScript, Does.Contain("apt-get install -y -q --no-install-recommends python3 python3-django gunicorn python3-psycopg2\n"));
        Assert.That(plain.Name, Does.StartWith("localhost/coralnet-base:").And.EqualTo(new ContainerBaseImage(layout, "/other", new SiteSettings()).Name));
        Assert.That(withPillow.Name, Is.Not.EqualTo(plain.Name));
    }
}
