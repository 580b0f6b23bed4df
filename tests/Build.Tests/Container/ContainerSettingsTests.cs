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

    [Test]
    public void The_defaults_are_the_host_runtime_podman_and_a_registry_on_loopback()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var (settings, _) = SettingsLoader.Load(repository.Root, "sandbox", _ => null, _ => null, new SecretRedactor());

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
    public void The_container_runtime_is_refused_for_every_target_until_its_cutover_exists_and_says_what_works()
    {
        Assert.That(Problems(new Dictionary<string, string> { ["Site_Runtime"] = "container" }),
            Has.Some.StartsWith("Site.Runtime: 'container' cannot deploy yet").And.Some.Contains("BuildImage and PushImage"));
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
