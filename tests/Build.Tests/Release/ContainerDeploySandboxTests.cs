using System.Net;
using System.Net.Sockets;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>Site.Runtime container's "done when" with podman on the web hosts (the default), besides the tests every engine passes.</summary>
public sealed class ContainerDeploySandboxTests : ContainerDeploySandboxBase
{
    protected override string Engine => "podman";

    protected override string ImageNameFormat => ".ImageName";

    protected override string ProcessUsers(string container) => $"podman top {container} user";

    private static long BytesToWeb1() => long.Parse(File.ReadAllText("/sys/class/net/" + SandboxLayout.OuterVeth("web1") + "/statistics/tx_bytes").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Test, Order(3)]
    public void Only_the_changed_layer_of_a_one_file_change_crosses_to_the_host()
    {
        // A one-file change: what crosses to web1 is the new layer and the run's scripts.
        Touch("project/status/views.py", "# change for the bytes test");
        var sentBefore = BytesToWeb1();
        var (code, output) = Suite("--target=Deploy");
        var sent = BytesToWeb1() - sentBefore;

        Assert.That(code, Is.Zero, output);
        var imageBytes = long.Parse(OnWeb($"podman image inspect --format '{{{{.Size}}}}' {ServingImage()}"), System.Globalization.CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine($"one-file container deploy: {sent} bytes to web1; the image is {imageBytes} bytes");
        Assert.That(imageBytes, Is.GreaterThan(50_000_000));
        Assert.That(sent, Is.LessThan(1_000_000), "only the changed layer crosses, not the image");
    }

    [Test, Order(4)]
    public async Task A_release_failing_its_health_check_is_rolled_back_to_the_previous_image()
    {
        var before = await ServingAsync();
        var image = ServingImage();
        var wsgi = Path.Combine(Site, "project/config/wsgi.py");
        var good = File.ReadAllText(wsgi);
        File.AppendAllText(wsgi, "raise ImportError('broken on purpose by the container deploy test')\n");
        try
        {
            var (code, output) = Suite("--target=Deploy", "--timeouts_healthcheckseconds=10");

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("failed its health check").And.Contain($"release {before} keeps serving"));
            Assert.That(await ServingAsync(), Is.EqualTo(before));
            Assert.That(ServingImage(), Is.EqualTo(image));
        }
        finally
        {
            File.WriteAllText(wsgi, good);
        }
    }

    [Test, Order(7)]
    public async Task Marks_a_killed_run_left_behind_nginx_are_put_back_by_the_next_deploy_with_no_failed_request()
    {
        var serving = await ServingAsync();
        var site = $"{Settings.Site.Root}/{Settings.Site.Name}";
        var slot = int.Parse(OnWeb($"cat {site}/slots/serving"), System.Globalization.CultureInfo.InvariantCulture);
        var standby = GunicornSlots.Standby(Settings.Site, slot);
        string Unit(int port) => $"{Settings.Site.Name}-gunicorn@{port}.service";
        // What a run killed after nginx moved to the slot and before its marks did leaves: the other slot marked serving and started at boot.
        OnWeb($"echo {standby} > {site}/slots/serving && systemctl disable --quiet {Unit(slot)} && systemctl enable --quiet {Unit(standby)}");
        Touch("project/status/views.py", "# change for the marks test");

        var ((code, output), requests, failures) = await RequestLoop.AroundAsync(GetAsync, () => Suite("--target=Deploy"));

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain($"nginx proxied to slot {slot} while the marks named slot {standby}"));
        Assert.That(requests, Is.GreaterThan(5), "the loop ran during the deploy");
        Assert.That(failures, Is.Empty, "the instance nginx proxied to was not the one restarted");
        Assert.That(await ServingAsync(), Is.EqualTo(LastReleaseId(output)).And.Not.EqualTo(serving), "the new release, started in the slot nginx did not proxy to");
        Assert.That(OnWeb($"cat {site}/slots/serving"), Is.EqualTo(standby.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(OnWeb($"systemctl is-enabled {Unit(standby)}; systemctl is-enabled {Unit(slot)} || true"), Is.EqualTo("enabled\ndisabled"));
    }

    [Test, Order(6)]
    public async Task A_registry_that_cannot_serve_is_a_clear_error_before_the_lock_and_the_site_is_untouched()
    {
        var before = await ServingAsync();
        var releases = OnWeb($"ls {Settings.Site.Root}/{Settings.Site.Name}/releases");
        var registries = OnWeb("cat /etc/containers/registries.conf.d/*.conf");
        Touch("project/status/views.py", "# change for the registry test");
        // Something that is not a registry holds the registry's port on the bridge: it accepts and never answers.
        using var squatter = new TcpListener(IPAddress.Parse("10.213.0.1"), 5109);
        squatter.Start();

        var (code, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot,
            ["--target=Deploy", "--site_source=" + Site, "--site_runtime=container", "--container_registry=10.213.0.1:5109"]);

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Container.Registry").And.Contain("10.213.0.1").And.Contain("5109"));
        Assert.That(output, Does.Not.Contain("RestartGunicorn"));
        Assert.That(await ServingAsync(), Is.EqualTo(before));
        Assert.That(OnWeb($"ls {Settings.Site.Root}/{Settings.Site.Name}/releases"), Is.EqualTo(releases), "no release was made");
        Assert.That(OnWeb("cat /etc/containers/registries.conf.d/*.conf"), Is.EqualTo(registries), "the hosts were not configured");
        Assert.That(OnWeb($"test ! -e {Settings.Site.Root}/{Settings.Site.Name}/deploy.lock && echo unlocked"), Is.EqualTo("unlocked"));
    }
}
