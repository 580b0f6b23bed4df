using System.Net;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

/// <summary>The suite's own registry, a real docker-registry on loopback.</summary>
public sealed class LocalRegistryTests
{
    [TestCase("127.0.0.1:5100", true)]
    [TestCase("10.213.0.1:5100", true)]
    [TestCase("10.213.0.7:5100", false)]
    [TestCase("registry.example.org:443", false)]
    public void The_suite_runs_the_registry_only_on_loopback_or_the_sandbox_bridge(string registry, bool local)
    {
        var layout = new ContainerLayout("/var/lib/coralnet-deploy/test");
        Assert.That(new LocalRegistry(layout, new ContainerSettings { Registry = registry }, new LocalRunner(_ => { }), IPAddress.Parse("10.213.0.1")).IsLocal, Is.EqualTo(local));
    }

    [Test]
    public void A_registry_running_for_the_checkout_on_another_port_is_stopped_and_one_on_Container_Registry_started()
    {
        using var folder = new TempDirectory();
        var layout = new ContainerLayout(Path.Combine(folder.Path, "state"));
        var runner = new LocalRunner(_ => { });
        var first = ImageBuildSandboxTests.FreePort();
        var second = ImageBuildSandboxTests.FreePort();
        while (second == first)
        {
            second = ImageBuildSandboxTests.FreePort();
        }

        var before = new LocalRegistry(layout, new ContainerSettings { Registry = "127.0.0.1:" + first }, runner);
        before.Start();
        var old = MachineState.LivePid(layout.RegistryPidFile, layout.RegistryConfigurationFile)!.Value;
        var now = new LocalRegistry(layout, new ContainerSettings { Registry = "127.0.0.1:" + second }, runner);
        try
        {
            now.Start();

            Assert.That(MachineState.IsAlive(old), Is.False, "the one on the other port is stopped, not adopted");
            Assert.DoesNotThrow(now.RequireAnswering);
            Assert.That(MachineState.Listening(IPAddress.Loopback, first), Is.False);
        }
        finally
        {
            now.StopIfStarted();
            before.StopIfStarted();
        }

        Assert.That(MachineState.LivePid(layout.RegistryPidFile, layout.RegistryConfigurationFile), Is.Null, "nothing is left running");
    }
}
