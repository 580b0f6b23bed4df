using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Site.Runtime container with Debian's docker.io on the web hosts (Container.HostEngine=docker): the
/// tests every engine passes, what docker's side of the seam adds (dockerd's configuration), and the
/// refusal of a run that would change the hosts' engine in place.
/// </summary>
public sealed class DockerEngineSandboxTests : ContainerDeploySandboxBase
{
    protected override string Engine => "docker";

    protected override string ImageNameFormat => ".Config.Image";

    /// <summary>docker top runs the host's ps, which a sandbox host lacks: the users of the container's init, its child (gunicorn's master) and their children (the workers), from /proc.</summary>
    protected override string ProcessUsers(string container) =>
        $"{{ init=$(docker inspect --format '{{{{.State.Pid}}}}' {container}); echo USER; masters=$(cat /proc/$init/task/*/children); "
        + "for process in $init $masters $(for master in $masters; do cat /proc/$master/task/*/children; done); do stat -c %U /proc/$process; done; }";

    [Test, Order(3)]
    public void Dockerd_pulls_from_the_sandbox_registry_over_http_makes_no_bridge_and_a_second_configure_changes_nothing()
    {
        Assert.That(OnWeb("docker info --format '{{json .RegistryConfig.IndexConfigs}}'"), Does.Contain("\"10.213.0.1:5100\"").And.Contain("\"Secure\":false"));
        Assert.That(OnWeb("ip -o link show | awk -F': ' '{print $2}' | sort | tr '\\n' ' '"), Does.Not.Contain("docker0"));
        Assert.That(OnWeb("stat -c %U:%G:%a /etc/docker/daemon.json"), Is.EqualTo("root:root:644"));

        var (code, output) = Suite("--target=ConfigureHost");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Match(@"web1\s*: ok=\d+\s+changed=0\s+failed=0"));
    }

    [Test, Order(4)]
    public async Task A_deploy_with_podman_onto_the_docker_host_is_refused_before_anything_changes()
    {
        var before = await ServingAsync();
        var releases = OnWeb($"ls {Settings.Site.Root}/{Settings.Site.Name}/releases");
        Touch("project/status/views.py", "# change for the engine switch test");

        var (code, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot,
            ["--target=Deploy", "--site_source=" + Site, "--site_runtime=container", "--container_hostengine=podman"]);

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("web1 runs the site with containers run by docker, and this run's settings say containers run by podman")
            .And.Contain("--container_hostengine=docker").And.Contain("Nothing was changed."));
        Assert.That(output, Does.Not.Contain("InstallContainerEngine:").And.Not.Contain("RestartGunicorn"));
        Assert.That(await ServingAsync(), Is.EqualTo(before));
        Assert.That(OnWeb($"ls {Settings.Site.Root}/{Settings.Site.Name}/releases"), Is.EqualTo(releases), "no release was made");
        Assert.That(OnWeb("command -v podman || echo none"), Is.EqualTo("none"), "podman was not installed");
        Assert.That(OnWeb($"test ! -e {Settings.Site.Root}/{Settings.Site.Name}/deploy.lock && echo unlocked"), Is.EqualTo("unlocked"));
    }
}
