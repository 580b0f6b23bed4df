using CoralNet.Deploy.Container;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>What Site.Runtime container sends to a web host, on its rendered output (the sandbox tests run it).</summary>
public sealed class ContainerReleaseTests
{
    private const string Id = "20261202T050000Z-3f2a9c1b";
    private const string Image = "10.213.0.1:5100/coralnet:" + Id;
    private static readonly SiteSettings Site = new() { Name = "coralnet", Root = "/srv/www", Runtime = SiteRuntime.Container };
    private static readonly ReleaseCommands Commands = new(new ReleasePaths("/srv/www", "coralnet"));

    [Test]
    public void The_container_unit_runs_the_slots_image_as_nobody_read_only_with_init_journald_and_the_environment_by_name_only()
    {
        var unit = SiteTemplates.ContainerService(Site, Commands.Paths);
        var run = unit.Split('\n').Single(line => line.StartsWith("ExecStart=", StringComparison.Ordinal));

        Assert.That(run, Does.StartWith("ExecStart=/usr/bin/podman run "));
        Assert.That(run.Split(' '), Is.SupersetOf(new[] { "--init", "--read-only", "--user", "65534:65534", "--network", "host", "--log-driver", "journald", "--name", "coralnet-%i", "--pull=never", "${IMAGE}" }));
        Assert.That(run, Does.Contain("-e SECRET_KEY -e ALLOWED_HOSTS").And.Contain("-e DATABASE_PASSWORD ").And.Contain("-e RELEASE_ID").And.Not.Contain("="+"\"").And.Not.Contain("--env-file"));
        Assert.That(unit, Does.Contain("EnvironmentFile=/srv/www/coralnet/shared/env\nEnvironmentFile=/srv/www/coralnet/slots/%i/.release/env\nEnvironmentFile=/srv/www/coralnet/slots/%i/.release/image\n"));
        Assert.That(unit, Does.Contain("Environment=GUNICORN_CMD_ARGS=--bind=127.0.0.1:%i"));
    }

    [Test]
    public void Every_variable_of_the_environment_file_reaches_the_container()
    {
        Assert.That(SiteTemplates.ContainerEnvironmentNames(), Is.SupersetOf(new[]
        {
            "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_HOST", "DATABASE_PORT", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG",
            "BUCKET_NAME", "SECURE_COOKIES", "CSRF_TRUSTED_ORIGINS", "RELEASE_ID", "RELEASE_COMMIT", "RELEASE_DIRTY", "GUNICORN_CMD_ARGS",
        }));
    }

    [Test]
    public void The_container_slots_install_their_unit_without_sockets_and_the_host_slots_keep_theirs()
    {
        var empty = ReleaseListing.Parse("");

        Assert.That(new SlotUnits(Site, Commands).Prepare(empty).Select(c => c.Summary), Is.EqualTo(new[] { "gunicorn service unit" }));
        Assert.That(new SlotUnits(new SiteSettings { Name = "coralnet", Root = "/srv/www" }, Commands).Prepare(empty).Select(c => c.Summary),
            Is.EqualTo(new[] { "gunicorn socket unit", "gunicorn service unit", "enable gunicorn sockets" }));
    }

    [Test]
    public void A_pull_writes_the_release_files_then_pulls_only_an_image_the_host_lacks_and_names_the_registry_when_it_fails()
    {
        var pull = new ContainerReleaseCommands(Commands).Pull(Id, Image, "project/manage.py\t100644\t1\tabc\n", "RELEASE_ID=" + Id + "\n", "10.213.0.1:5100");

        Assert.That(pull.Steps.Select(s => s.Summary), Is.EqualTo(new[] { "make release " + Id, "release files of " + Id, "pull " + Image }));
        Assert.That(pull.Steps[2].Script, Does.Contain("if podman image exists \"$image\"; then echo ok; exit 0; fi").And.Contain("could not pull %s from the registry %s"));
    }

    [Test]
    public void Migrate_and_collectstatic_run_in_one_off_containers_whose_environment_systemd_reads()
    {
        var containers = new ContainerReleaseCommands(Commands);
        var collect = containers.CollectStatic(Id, Image, "20261202T040000Z-00000000", "KEY").Script;

        var migrate = containers.Migrate(Id, Image, "coralnet", new string('a', 64) + " 10.0.0.2:5432").Script;
        foreach (var script in new[] { migrate, collect })
        {
            Assert.That(script, Does.Contain("streamed systemd-run --quiet --wait --pipe --collect --service-type=exec -p EnvironmentFile='/srv/www/coralnet/shared/env' -p EnvironmentFile='/srv/www/coralnet/releases/" + Id + "/.release/env' podman run --rm --pull=never --init --network host --read-only --user 65534:65534"));
            Assert.That(script, Does.Not.Contain(". /srv/www/coralnet/shared/env"));
        }

        Assert.That(collect, Does.Contain("-v \"$static:/static\" -e STATIC_ROOT=/static '" + Image + "' python3 manage.py collectstatic --noinput"));
        Assert.That(migrate, Does.Contain("'" + Image + "' sh -c 'python3 manage.py migrate --noinput && { python3 -c '"), "the same container prints the applied migrations");
        Assert.That(migrate, Does.Contain("stamp='/srv/www/coralnet/shared/migrated-container-coralnet'"), "root's stamp, beside the environment file");
        Assert.That(collect, Does.Contain("chown -R -P root:root \"$static\""));
        Assert.That(collect, Does.Contain("[ \"$(cat \"$previous/.release/static-key\" 2>/dev/null || true)\" = \"$key\" ]; then\n  cp -al \"$previous/static\" \"$static\""), "unchanged inputs: the serving release's files linked");
    }

    [Test]
    public void ConfigureHost_installs_podman_runc_and_catatonit_and_the_registry_only_for_the_container_runtime()
    {
        var settings = new DeploySettings { Site = Site, Container = new ContainerSettings { Registry = "10.213.0.1:5100" } };
        var plan = ContainerHostPlan.Build(settings);

        Assert.That(plan.Items.Select(i => i.Id), Is.EqualTo(new[]
        {
            "packages podman runc catatonit", "file /etc/containers/containers.conf", "file /etc/containers/registries.conf.d/50-coralnet.conf",
        }));
        Assert.That(ContainerTemplates.HostRegistries(HostRegistry.For(settings)), Does.Contain("location = \"10.213.0.1:5100\"\ninsecure = true"));
        Assert.That(ContainerHostPlan.Build(new DeploySettings()).Items, Is.Empty);
    }

    [Test]
    public void The_hosts_pull_the_release_s_image_from_Container_Registry_over_plain_http_only_in_the_sandbox()
    {
        var sandbox = new DeploySettings { Site = Site, Container = new ContainerSettings { Registry = "10.213.0.1:5100" } };
        var aws = new DeploySettings { Provider = ProviderKind.Aws, Site = Site, Container = new ContainerSettings { Registry = "registry.example.org:443" } };

        Assert.That(HostRegistry.For(sandbox), Is.EqualTo(new HostRegistry("10.213.0.1:5100", Insecure: true)));
        Assert.That(HostRegistry.For(sandbox).Image(Site, Id), Is.EqualTo(Image));
        Assert.That(HostRegistry.For(aws).Insecure, Is.False);
    }
}
