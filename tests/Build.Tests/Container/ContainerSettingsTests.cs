using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Container;

public sealed class ContainerSettingsTests
{
    private static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> overrides)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        return Assert.Throws<SettingsException>(() => SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key),
            _ => null, new SecretRedactor()))!.Problems;
    }

    private static DeploySettings Load(IReadOnlyDictionary<string, string> overrides)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        return SettingsLoader.Load(repository.Root, "sandbox", key => overrides.GetValueOrDefault(key), _ => null, new SecretRedactor()).Settings;
    }

    [Test]
    public void The_defaults_are_the_host_runtime_podman_and_a_registry_on_loopback()
    {
        var settings = Load(new Dictionary<string, string>());

        Assert.That((settings.Site.Runtime, settings.Container.Engine, settings.Container.Registry),
            Is.EqualTo((SiteRuntime.Host, ContainerEngine.Podman, "127.0.0.1:5100")));
    }

    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.1:0")]
    [TestCase("127.0.0.1:65536")]
    [TestCase("http://127.0.0.1:5000")]
    [TestCase(":5000")]
    public void A_registry_that_is_not_host_and_port_is_refused(string registry)
    {
        Assert.That(Problems(new Dictionary<string, string> { ["Container_Registry"] = registry }),
            Has.Some.StartsWith($"Container.Registry: '{registry}' must be HOST:PORT"));
    }

    [Test]
    public void The_container_runtime_on_AWS_is_accepted_with_podman_its_images_going_to_the_ECR_repository()
    {
        var aws = new DeploySettings { Provider = ProviderKind.Aws, Site = { Runtime = SiteRuntime.Container }, Container = { Registry = "127.0.0.1:5100" } };

        Assert.That(ContainerSettingsRules.Validate(aws), Is.Empty);
        aws.Container.Engine = ContainerEngine.Docker;
        Assert.That(ContainerSettingsRules.Validate(aws), Has.All.StartWith("Site.Runtime: 'container' runs the site with podman"));
    }

    [Test]
    public void On_AWS_an_ECR_lifecycle_policy_keeping_fewer_images_than_the_kept_releases_is_refused()
    {
        var aws = new DeploySettings { Provider = ProviderKind.Aws, Site = { Runtime = SiteRuntime.Container, KeepReleases = 5 }, Container = { Registry = "127.0.0.1:5100", KeepImages = 4 } };

        Assert.That(ContainerSettingsRules.Validate(aws), Is.EqualTo(new[]
        {
            "Container.KeepImages: 4 is fewer than Site.KeepReleases (5): the ECR repository's lifecycle policy would expire images of releases the hosts keep for Rollback; set it to at least 5 (--container_keepimages=5).",
        }));
        aws.Container.KeepImages = 5;
        Assert.That(ContainerSettingsRules.Validate(aws), Is.Empty);
        aws.Site.Runtime = SiteRuntime.Host;
        aws.Container.KeepImages = 1;
        Assert.That(ContainerSettingsRules.Validate(aws), Is.Empty, "no repository with the host runtime");
    }

    [Test]
    public void The_container_runtime_in_the_sandbox_defaults_the_registry_to_the_bridge_s_address_on_the_registry_port()
    {
        Assert.That(Load(new Dictionary<string, string> { ["Site_Runtime"] = "container" }).Container.Registry, Is.EqualTo("10.213.0.1:5100"));
    }

    [Test]
    public void The_default_registry_follows_the_sandbox_s_subnet()
    {
        Assert.That(Load(new Dictionary<string, string> { ["Site_Runtime"] = "container", ["Sandbox_Subnet"] = "10.77.3.0/24" }).Container.Registry,
            Is.EqualTo("10.77.3.1:5100"));
    }

    [Test]
    public void An_explicit_registry_on_the_bridge_overrides_the_default()
    {
        Assert.That(Load(new Dictionary<string, string> { ["Site_Runtime"] = "container", ["Container_Registry"] = "10.213.0.1:5107" }).Container.Registry,
            Is.EqualTo("10.213.0.1:5107"));
    }

    [Test]
    public void An_explicit_registry_off_the_bridge_is_refused_with_the_container_runtime_in_the_sandbox_saying_the_address()
    {
        Assert.That(Problems(new Dictionary<string, string> { ["Site_Runtime"] = "container", ["Container_Registry"] = "127.0.0.1:5100" }),
            Is.EqualTo(new[] { "Container.Registry: the sandbox's web hosts pull the site's image from it, and they reach this machine only on the sandbox bridge: "
                + "with Site.Runtime=container set it to 10.213.0.1:5100 (--container_registry=10.213.0.1:5100); the suite runs the registry there itself." }));
    }

    [Test]
    public void The_container_runtime_takes_docker_on_the_hosts_and_an_unknown_host_engine_is_refused()
    {
        Assert.That(Load(new Dictionary<string, string> { ["Site_Runtime"] = "container", ["Container_Registry"] = "10.213.0.1:5100", ["Container_HostEngine"] = "docker" }).Container.HostEngine,
            Is.EqualTo(ContainerEngine.Docker));
        Assert.That(Problems(new Dictionary<string, string> { ["Container_HostEngine"] = "lxc" }), Has.Some.Contains("Container.HostEngine"));
    }

    [Test]
    public void An_unknown_engine_is_refused()
    {
        Assert.That(Problems(new Dictionary<string, string> { ["Container_Engine"] = "lxc" }), Has.Some.Contains("Container.Engine"));
    }

    [TestCase("0")]
    [TestCase("1001")]
    public void A_number_of_images_ECR_cannot_keep_is_refused(string keep)
    {
        Assert.That(Problems(new Dictionary<string, string> { ["Container_KeepImages"] = keep }), Has.Some.EqualTo($"Container.KeepImages: {keep} is outside 1..1000."));
    }
}
