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

    [Test]
    public async Task A_forgotten_tag_is_gone_at_once_and_its_layers_when_the_registry_next_starts_while_a_kept_one_stays_whole()
    {
        using var folder = new TempDirectory();
        var (layout, settings, registry) = OnFreePort(folder);
        using var http = ApiClient(settings);
        string? oldLayer;
        try
        {
            registry.Start();
            oldLayer = await PushAsync(http, "20261120T000000Z-00000000", "the old release's layer");
            await PushAsync(http, "20261121T000000Z-00000001", "the kept release's layer");

            // The names a push's housekeeping removed: the registry forgets those it holds, and only those.
            string[] removed = [$"{settings.Registry}/coralnet:20261120T000000Z-00000000", $"{settings.Registry}/coralnet:never-pushed", "localhost/coralnet-base:aaaaaaaaaaaa", $"{settings.Registry}/othersite:20261121T000000Z-00000001"];
            Assert.That(registry.Forget(removed.Select(ImageName.Parse)), Is.Null);

            Assert.That((await http.GetAsync("manifests/20261120T000000Z-00000000")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await http.GetAsync("manifests/20261121T000000Z-00000001")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            registry.StopIfStarted();
        }

        var restarted = new LocalRegistry(layout, settings, new LocalRunner(_ => { }));
        try
        {
            restarted.Start();

            Assert.That((await http.GetAsync("blobs/" + oldLayer)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "garbage-collect removed the forgotten image's layer");
            Assert.That((await http.GetAsync("manifests/20261121T000000Z-00000001")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            restarted.StopIfStarted();
        }
    }

    [Test]
    public async Task A_forgotten_tag_naming_the_same_image_as_a_kept_one_leaves_that_image_in_place()
    {
        using var folder = new TempDirectory();
        var (_, settings, registry) = OnFreePort(folder);
        using var http = ApiClient(settings);
        try
        {
            registry.Start();
            // A release of unchanged files: the engine's cache gives the same image, under a new release id.
            await PushAsync(http, "20261120T000000Z-00000000", "one image, two releases");
            await PushAsync(http, "20261121T000000Z-00000001", "one image, two releases");

            Assert.That(registry.Forget("coralnet", ["20261120T000000Z-00000000"]), Is.Null);

            Assert.That((await http.GetAsync("manifests/20261121T000000Z-00000001")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the kept release's image");
        }
        finally
        {
            registry.StopIfStarted();
        }
    }

    [Test]
    public void A_registry_that_stopped_answering_is_said_not_thrown()
    {
        var settings = new ContainerSettings { Registry = "127.0.0.1:" + ImageBuildSandboxTests.FreePort() };
        var registry = new LocalRegistry(new ContainerLayout(Path.GetTempPath()), settings, new LocalRunner(_ => { }));

        Assert.That(registry.Forget("coralnet", ["20261120T000000Z-00000000"]), Does.StartWith("old images were not removed from the registry at " + settings.Registry));
    }

    /// <summary>A registry of its own on a free loopback port, its state under <paramref name="folder"/> (not started).</summary>
    private static (ContainerLayout Layout, ContainerSettings Settings, LocalRegistry Registry) OnFreePort(TempDirectory folder)
    {
        var layout = new ContainerLayout(Path.Combine(folder.Path, "state"));
        var settings = new ContainerSettings { Registry = "127.0.0.1:" + ImageBuildSandboxTests.FreePort() };
        return (layout, settings, new LocalRegistry(layout, settings, new LocalRunner(_ => { })));
    }

    /// <summary>A client of the registry's API for the repository coralnet, asking for image manifests.</summary>
    private static HttpClient ApiClient(ContainerSettings settings)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{settings.Registry}/v2/coralnet/") };
        http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        return http;
    }

    /// <summary>Pushes an image of one layer holding <paramref name="text"/> through the registry's API; returns the layer's digest.</summary>
    private static async Task<string> PushAsync(HttpClient http, string tag, string text)
    {
        async Task<(string Digest, int Size)> BlobAsync(byte[] content)
        {
            var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            using var started = await http.PostAsync("blobs/uploads/", null);
            var location = started.Headers.Location!.ToString();
            using var put = await http.PutAsync(location + (location.Contains('?') ? "&" : "?") + "digest=" + digest, new ByteArrayContent(content));
            put.EnsureSuccessStatusCode();
            return (digest, content.Length);
        }

        var layer = await BlobAsync(System.Text.Encoding.UTF8.GetBytes(text));
        var config = await BlobAsync(System.Text.Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{layer.Digest}}}"]}}"""));
        const string MediaType = "application/vnd.docker.distribution.manifest.v2+json";
        var manifest = $$$"""{"schemaVersion":2,"mediaType":"{{{MediaType}}}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":{{{config.Size}}},"digest":"{{{config.Digest}}}"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{{{layer.Size}}},"digest":"{{{layer.Digest}}}"}]}""";
        using var pushed = await http.PutAsync("manifests/" + tag, new StringContent(manifest, new System.Net.Http.Headers.MediaTypeHeaderValue(MediaType)));
        pushed.EnsureSuccessStatusCode();
        return layer.Digest;
    }
}
