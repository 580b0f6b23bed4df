namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Site.Runtime container with Debian's docker.io on the web hosts (Container.HostEngine=docker): the
/// tests every engine passes, and what docker's side of the seam adds (dockerd's configuration).
/// </summary>
public sealed class DockerEngineSandboxTests : ContainerDeploySandboxBase
{
    protected override string Engine => "docker";

    protected override string ImageNameFormat => ".Config.Image";

    protected override string ProcessUsers(string container) => $"docker top {container} -o user";

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
}
