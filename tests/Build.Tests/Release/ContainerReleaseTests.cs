using CoralNet.Deploy.Container;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
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
    private const string EcrRegistry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private const string RepositoryUri = EcrRegistry + "/coralnet-production";
    private static readonly DeploySettings Sandbox = new() { Site = Site, Container = new ContainerSettings { Registry = "10.213.0.1:5100" } };
    private static readonly DeploySettings Aws = new() { Provider = ProviderKind.Aws, Environment = "production", Site = Site };

    [Test]
    public void The_container_unit_runs_the_slots_image_as_nobody_read_only_with_init_journald_and_the_environment_by_name_only()
    {
        foreach (var engine in HostEngine.All)
        {
            var unit = SiteTemplates.ContainerService(Site, Commands.Paths, engine);
            var run = unit.Split('\n').Single(line => line.StartsWith("ExecStart=", StringComparison.Ordinal));

            Assert.That(run, Does.StartWith($"ExecStart=/usr/bin/{engine.Name} run "));
            Assert.That(run.Split(' '), Is.SupersetOf(new[] { "--init", "--read-only", "--tmpfs", "/tmp", "--user", "65534:65534", "--network", "host", "--log-driver", "journald", "--name", "coralnet-%i", "--pull=never", "--rm", "${IMAGE}" }));
            Assert.That(run, Does.Contain("-e SECRET_KEY -e ALLOWED_HOSTS").And.Contain("-e DATABASE_PASSWORD ").And.Contain("-e RELEASE_ID").And.Not.Contain("="+"\"").And.Not.Contain("--env-file"));
            Assert.That(unit, Does.Contain("EnvironmentFile=/srv/www/coralnet/shared/env\nEnvironmentFile=/srv/www/coralnet/slots/%i/.release/env\nEnvironmentFile=/srv/www/coralnet/slots/%i/.release/image\n"));
            Assert.That(unit, Does.Contain("Environment=GUNICORN_CMD_ARGS=--bind=127.0.0.1:%i"));
            Assert.That(unit, Does.Contain($"ExecStop=/usr/bin/{engine.Name} stop "), "the stop goes through the engine: the container runs outside the unit's cgroup");
        }
    }

    [Test]
    public void The_docker_unit_stays_attached_needs_dockerd_and_removes_a_leftover_container_first_while_podman_s_is_notified_by_conmon()
    {
        var docker = SiteTemplates.ContainerService(Site, Commands.Paths, HostEngine.Docker);
        var podman = SiteTemplates.ContainerService(Site, Commands.Paths, HostEngine.Podman);

        Assert.That(docker, Does.Contain("After=docker.service\nRequires=docker.service\n").And.Contain("Type=exec\n").And.Contain("ExecStartPre=-/usr/bin/docker rm -f coralnet-%i\n")
            .And.Contain("ExecStop=/usr/bin/docker stop -t 30 coralnet-%i\n").And.Not.Contain("podman"));
        Assert.That(podman, Does.Contain("Type=notify\n").And.Contain("--sdnotify=conmon").And.Not.Contain("docker.service"));
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
        var pull = new ContainerReleaseCommands(Commands, HostEngine.Podman).Pull(Id, Image, "project/manage.py\t100644\t1\tabc\n", "RELEASE_ID=" + Id + "\n", HostRegistry.For(Sandbox, null));

        Assert.That(pull.Steps.Select(s => s.Summary), Is.EqualTo(new[] { "make release " + Id, "release files of " + Id, "pull " + Image }));
        Assert.That(pull.Steps[2].Script, Does.Contain($"if podman image inspect {Shell.Quote(Image)} > /dev/null 2>&1; then echo ok; exit 0; fi").And.Contain("could not pull %s from the registry %s"));
        Assert.That(pull.Steps[2].Script, Does.Contain("podman pull --quiet \"$image\"").And.Contain("'10.213.0.1:5100' 'is it running, and reachable from this host?'"));
        Assert.That(new ContainerReleaseCommands(Commands, HostEngine.Docker).Pull(Id, Image, "", "", HostRegistry.For(Sandbox, null)).Steps[2].Script,
            Does.Contain($"if docker image inspect {Shell.Quote(Image)} > /dev/null 2>&1; then echo ok; exit 0; fi").And.Contain("errors=$(docker pull --quiet \"$image\""));
    }

    [Test]
    public void On_AWS_the_pull_names_the_auth_file_whose_credential_helper_logs_in_with_the_instance_role()
    {
        var registry = HostRegistry.For(Aws, RepositoryUri);
        var image = registry.Image(Id);
        var pull = new ContainerReleaseCommands(Commands, HostEngine.Podman).Pull(Id, image, "", "RELEASE_ID=" + Id + "\n", registry);

        Assert.That(image, Is.EqualTo(RepositoryUri + ":" + Id));
        Assert.That(pull.Steps[1].Script, Does.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("IMAGE=" + RepositoryUri + ":" + Id + "\n"))),
            "the slot's unit and the one-off containers run the repository's image");
        Assert.That(pull.Steps[2].Script, Does.Contain("podman pull --quiet --authfile '/etc/containers/coralnet-auth.json' \"$image\""));
        Assert.That(pull.Steps[2].Script, Does.Contain("'" + EcrRegistry + "' 'does the instance role allow the pull, and did ConfigureHost install docker-credential-ecr-login?'"));
    }

    [Test]
    public void On_AWS_with_docker_the_pull_names_a_client_config_of_the_site_s_own_that_ConfigureHost_writes_root_only()
    {
        var docker = new DeploySettings { Provider = ProviderKind.Aws, Environment = "production", Site = Site, Container = new ContainerSettings { Registry = "127.0.0.1:5100", HostEngine = ContainerEngine.Docker } };
        var registry = HostRegistry.For(docker, RepositoryUri);
        var pull = new ContainerReleaseCommands(Commands, HostEngine.Docker).Pull(Id, registry.Image(Id), "", "", registry);
        var plan = ContainerHostPlan.Build(docker, RepositoryUri);

        Assert.That(pull.Steps[2].Script, Does.Contain("errors=$(docker --config '/etc/docker/coralnet-client' pull --quiet \"$image\""));
        Assert.That(plan.Items.Select(i => i.Id), Is.EqualTo(new[] { "file /etc/docker/daemon.json", "packages docker.io", "packages amazon-ecr-credential-helper", "file /etc/docker/coralnet-client/config.json" }),
            "the same credHelpers file as podman's (docker reads the same JSON), where docker --config finds it");
        Assert.That(ContainerSettingsRules.Validate(docker), Is.Empty, "docker on AWS is no longer refused");
    }

    [Test]
    public void Migrate_and_collectstatic_run_in_one_off_containers_whose_environment_systemd_reads()
    {
        var containers = new ContainerReleaseCommands(Commands, HostEngine.Podman);
        var collect = containers.CollectStatic(Id, Image, "20261202T040000Z-00000000", "KEY").Script;

        var migrate = containers.Migrate(Id, Image, "coralnet", new string('a', 64), "10.0.0.2:5432").Script;
        foreach (var (engine, script) in new[] { ("podman", migrate), ("podman", collect), ("docker", new ContainerReleaseCommands(Commands, HostEngine.Docker).Migrate(Id, Image, "coralnet", new string('a', 64), "10.0.0.2:5432").Script) })
        {
            Assert.That(script, Does.Contain("streamed systemd-run --quiet --wait --pipe --collect --service-type=exec -p EnvironmentFile='/srv/www/coralnet/shared/env' -p EnvironmentFile='/srv/www/coralnet/releases/" + Id + "/.release/env' "
                + engine + " run --rm --pull=never --init --network host --read-only --tmpfs /tmp --user 65534:65534 --log-driver journald -e "));
            Assert.That(script, Does.Not.Contain(". /srv/www/coralnet/shared/env"));
        }

        Assert.That(collect, Does.Contain("-v \"$static:/static\" -e STATIC_ROOT=/static '" + Image + "' python3 manage.py collectstatic --noinput"));
        Assert.That(migrate, Does.Contain("'" + Image + "' sh -c 'python3 manage.py migrate --noinput && { python3 -c '"), "the same container prints the applied migrations");
        Assert.That(migrate, Does.Contain("stamp='/srv/www/coralnet/shared/migrated-container-coralnet'"), "root's stamp, beside the environment file");
        Assert.That(migrate, Does.Contain("built=$( { layers=$(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' '" + Image + "')").And.Contain("\"$built\" '10.0.0.2:5432' \"$now\""),
            "the stamp names the image migrate ran in");
        Assert.That(collect, Does.Contain("chown -R -P root:root \"$static\""));
        Assert.That(collect, Does.Contain("[ \"$(cat \"$previous/.release/static-key\" 2>/dev/null || true)\" = \"$key\" ]; then\n  cp -al \"$previous/static\" \"$static\""), "unchanged inputs: the serving release's files linked");
    }

    [Test]
    public void ConfigureHost_installs_podman_runc_and_catatonit_and_the_registry_only_for_the_container_runtime()
    {
        var plan = ContainerHostPlan.Build(Sandbox);

        Assert.That(plan.Items.Select(i => i.Id), Is.EqualTo(new[]
        {
            "packages podman runc catatonit", "file /etc/containers/containers.conf", "file /etc/containers/registries.conf.d/50-coralnet.conf",
        }));
        Assert.That(ContainerTemplates.HostRegistries(HostRegistry.For(Sandbox, null)), Does.Contain("location = \"10.213.0.1:5100\"\ninsecure = true"));
        Assert.That(ContainerHostPlan.Build(new DeploySettings()).Items, Is.Empty);
        Assert.That(ContainerHostPlan.Build(new DeploySettings { Provider = ProviderKind.Aws }).Items, Is.Empty, "the host runtime on AWS needs no repository");
    }

    [Test]
    public void ConfigureHost_with_docker_writes_daemon_json_before_installing_docker_io_so_that_dockerd_never_makes_a_bridge()
    {
        var settings = new DeploySettings { Site = Site, Container = new ContainerSettings { Registry = "10.213.0.1:5100", HostEngine = ContainerEngine.Docker } };

        Assert.That(ContainerHostPlan.Build(settings).Items.Select(i => i.Id), Is.EqualTo(new[] { "file /etc/docker/daemon.json", "packages docker.io" }));
        var daemon = System.Text.Json.JsonDocument.Parse(ContainerTemplates.DockerDaemon(HostRegistry.For(settings, null))).RootElement;
        Assert.That(daemon.GetProperty("insecure-registries").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "10.213.0.1:5100" }));
        Assert.That(daemon.GetProperty("bridge").GetString(), Is.EqualTo("none"));
        Assert.That(daemon.GetProperty("iptables").GetBoolean() || daemon.GetProperty("ip-forward").GetBoolean(), Is.False);
        var tls = System.Text.Json.JsonDocument.Parse(ContainerTemplates.DockerDaemon(new HostRegistry("registry.example.org:443", "registry.example.org:443/coralnet", Insecure: false))).RootElement;
        Assert.That(tls.GetProperty("insecure-registries").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void Cleanup_removes_the_site_s_unnamed_images_in_each_engine_the_host_has()
    {
        var script = Commands.RemoveReleases([Id]).Script;

        Assert.That(script, Does.Contain("for engine in podman docker; do").And.Contain("\"$engine\" rmi \"$image\""));
    }

    public void On_AWS_ConfigureHost_installs_the_ECR_credential_helper_without_its_recommends_and_a_root_only_auth_file_naming_it_for_the_account_s_registry()
    {
        var plan = ContainerHostPlan.Build(Aws, RepositoryUri);

        Assert.That(plan.Items.Select(i => i.Id), Is.EqualTo(new[]
        {
            "packages podman runc catatonit", "file /etc/containers/containers.conf", "file /etc/containers/registries.conf.d/50-coralnet.conf",
            "packages amazon-ecr-credential-helper", "file /etc/containers/coralnet-auth.json",
        }));
        var install = plan.Items[3].Plan([])!.Command!.Script;
        Assert.That(install, Does.Contain(" install --no-install-recommends 'amazon-ecr-credential-helper'"), "its Recommends would bring docker.io's daemon");
        Assert.That(plan.Items[0].Plan([])!.Command!.Script, Does.Not.Contain("--no-install-recommends"));

        var auth = ContainerTemplates.HostRegistryAuth(HostRegistry.For(Aws, RepositoryUri), HostRegistry.EcrCredentialHelper);
        var helpers = System.Text.Json.Nodes.JsonNode.Parse(auth)!["credHelpers"]!.AsObject();
        Assert.That(helpers.Select(pair => (pair.Key, pair.Value!.GetValue<string>())), Is.EqualTo(new[] { (EcrRegistry, "ecr-login") }));
        Assert.That(auth, Does.Not.Contain("\"auths\""), "no credential is written on the host");
        var file = (FileResource)plan.Items[4];
        Assert.That((file.Owner, file.Group, FileState.Octal(file.Mode)), Is.EqualTo(("root", "root", "0600")));
        Assert.That(ContainerTemplates.HostRegistries(HostRegistry.For(Aws, RepositoryUri)), Does.Contain($"location = \"{EcrRegistry}\"\ninsecure = false"));
    }

    [Test]
    public void The_hosts_pull_the_release_s_image_from_Container_Registry_over_plain_http_only_in_the_sandbox_and_from_the_ECR_repository_on_AWS()
    {
        Assert.That(HostRegistry.For(Sandbox, null), Is.EqualTo(new HostRegistry("10.213.0.1:5100", "10.213.0.1:5100/coralnet", Insecure: true)));
        Assert.That(HostRegistry.For(Sandbox, null).Image(Id), Is.EqualTo(Image));
        Assert.That(HostRegistry.For(Aws, RepositoryUri), Is.EqualTo(new HostRegistry(EcrRegistry, RepositoryUri, Insecure: false, "ecr-login")));
    }

    [Test]
    public void On_AWS_without_the_repository_the_hosts_registry_is_refused_saying_what_to_run()
    {
        Assert.That(() => HostRegistry.For(Aws, null), Throws.TypeOf<ContainerException>().With.Message.EqualTo(
            "The web hosts pull the site's image from the environment's ECR repository, which does not exist: it is made by Provision when Site.Runtime is container; run ./build.sh --target=Provision --environment=production."));
        Assert.That(() => ContainerHostPlan.Build(Aws, "no-slash"), Throws.TypeOf<ContainerException>().With.Message.Contain("('no-slash' is not REGISTRY/NAME)"));
    }
}
