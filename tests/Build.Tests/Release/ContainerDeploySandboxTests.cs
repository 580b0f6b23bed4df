using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Container;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Site.Runtime container's "done when", on one sandbox booted for the class (web hosts able to run
/// containers): the real task graph run in process, the site asked through nginx on web1 over https.
/// The site deployed is a copy of the sample, changed by the tests.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public sealed partial class ContainerDeploySandboxTests
{
    private static readonly Dictionary<string, string> Container = new() { ["Site_Runtime"] = "container" };
    private LocalSandbox _sandbox = null!;
    private DeploySettings _settings = null!;
    private string _site = null!;
    private SandboxHost _web = null!;
    private HttpClient _http = null!;
    private string _networkBefore = null!;

    [OneTimeSetUp]
    public void StartSandbox()
    {
        _networkBefore = ImageBuildSandboxTests.NetworkState();
        var (settings, secrets) = SandboxHosts.LoadSettings(Container);
        _settings = settings;
        _sandbox = SandboxHosts.For(settings, secrets);
        _sandbox.Down();
        _sandbox.Up();
        _web = _sandbox.Addresses[settings.Sandbox.WebHosts[0]];
        _http = SiteClient.For(_web.Address.ToString(), [_sandbox.Acme.IssuingRoot], TimeSpan.FromSeconds(10));
        _site = Directory.CreateTempSubdirectory("container-site-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SandboxHosts.RepositoryRoot, "samples/site"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_site, Path.GetRelativePath(Path.Combine(SandboxHosts.RepositoryRoot, "samples/site"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [OneTimeTearDown]
    public void RemoveSite()
    {
        _http?.Dispose();
        if (_site is not null)
        {
            Directory.Delete(_site, recursive: true);
        }
    }

    private (int ExitCode, string Output) Suite(params string[] args) =>
        SuiteRun.Run(SandboxHosts.RepositoryRoot, [.. args, "--site_source=" + _site, .. Container.Select(pair => $"--{pair.Key.ToLowerInvariant()}={pair.Value}")]);

    private string OnWeb(string command)
    {
        var result = _sandbox.Ssh(_web, command);
        Assert.That(result.Succeeded, Is.True, $"{command}: {result.Error}");
        return result.Output.Trim();
    }

    private async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var answer = await _http.GetAsync($"https://{_settings.Site.Domain}{path}");
        return ((int)answer.StatusCode, (await answer.Content.ReadAsStringAsync()).Trim());
    }

    private async Task<string> ServingAsync()
    {
        var (status, body) = await GetAsync("/health/");
        Assert.That(status, Is.EqualTo(200), body);
        return body;
    }

    /// <summary>The image the container serving on web1 runs (the one nginx points at).</summary>
    private string ServingImage() => OnWeb($"podman inspect --format '{{{{.ImageName}}}}' {_settings.Site.Name}-$(cat {_settings.Site.Root}/{_settings.Site.Name}/slots/serving)");

    private static string LastReleaseId(string output) =>
        ServedPattern().Matches(output).Select(m => m.Groups[1].Value).Last();

    private void Touch(string relative, string line) => File.AppendAllText(Path.Combine(_site, relative), line + "\n");

    private static long BytesToWeb1() => long.Parse(File.ReadAllText("/sys/class/net/" + SandboxLayout.OuterVeth("web1") + "/statistics/tx_bytes").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Test, Order(1)]
    public async Task A_fresh_deploy_serves_the_sample_from_a_container_of_nobody_with_a_read_only_root()
    {
        var (code, output) = Suite("--target=Deploy");

        Assert.That(code, Is.Zero, output);
        var id = LastReleaseId(output);
        var (status, page) = await GetAsync("/");
        Assert.That(status, Is.EqualTo(200), page);
        Assert.That(page, Does.Contain($"<code id=\"release\">{id}</code>").And.Contain("Database: answering"));
        Assert.That((await GetAsync("/static/status/site.css")).Status, Is.EqualTo(200), "nginx serves the static files collected by a one-off container");
        Assert.That(ServingImage(), Is.EqualTo($"10.213.0.1:5100/{_settings.Site.Name}:{id}"));
        var name = $"{_settings.Site.Name}-$(cat {_settings.Site.Root}/{_settings.Site.Name}/slots/serving)";
        Assert.That(OnWeb($"podman inspect --format '{{{{.Config.User}}}} {{{{.HostConfig.ReadonlyRootfs}}}} {{{{.HostConfig.Init}}}} {{{{.HostConfig.LogConfig.Type}}}}' {name}"),
            Is.EqualTo("65534:65534 true true journald"));
        Assert.That(OnWeb($"podman top {name} user | tail -n +2 | sort -u"), Is.EqualTo("nobody"));
    }

    [Test, Order(2)]
    public async Task A_one_file_change_is_served_with_no_failed_request_and_only_its_layer_crosses_to_the_host()
    {
        var before = await ServingAsync();
        Touch("project/status/views.py", "# change for the zero-downtime test");

        var ((code, output), requests, failures) = await RequestLoop.AroundAsync(GetAsync, () => Suite("--target=Deploy"));

        Assert.That(code, Is.Zero, output);
        var id = LastReleaseId(output);
        Assert.That(id, Is.Not.EqualTo(before));
        Assert.That(await ServingAsync(), Is.EqualTo(id));
        Assert.That(requests, Is.GreaterThan(20), "the loop ran during the deploy");
        Assert.That(failures, Is.Empty);
        Assert.That((await GetAsync("/static/status/site.css")).Status, Is.EqualTo(200), "the collected static files, linked from the previous release, are served");

        // Another one-file change, without the request loop: what crosses to web1 is the new layer and the run's scripts.
        Touch("project/status/views.py", "# change for the bytes test");
        var sentBefore = BytesToWeb1();
        (code, output) = Suite("--target=Deploy");
        var sent = BytesToWeb1() - sentBefore;

        Assert.That(code, Is.Zero, output);
        var imageBytes = long.Parse(OnWeb($"podman image inspect --format '{{{{.Size}}}}' {ServingImage()}"), System.Globalization.CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine($"one-file container deploy: {sent} bytes to web1; the image is {imageBytes} bytes");
        Assert.That(imageBytes, Is.GreaterThan(50_000_000));
        Assert.That(sent, Is.LessThan(1_000_000), "only the changed layer crosses, not the image");
    }

    [Test, Order(3)]
    public async Task A_release_failing_its_health_check_is_rolled_back_to_the_previous_image()
    {
        var before = await ServingAsync();
        var image = ServingImage();
        var wsgi = Path.Combine(_site, "project/config/wsgi.py");
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

    [Test, Order(4)]
    public async Task Rollback_serves_the_previous_image_again()
    {
        var serving = await ServingAsync();

        var (code, output) = Suite("--target=Rollback");

        Assert.That(code, Is.Zero, output);
        var back = await ServingAsync();
        Assert.That(string.CompareOrdinal(back, serving), Is.LessThan(0), "an older release");
        Assert.That(ServingImage(), Is.EqualTo($"10.213.0.1:5100/{_settings.Site.Name}:{back}"), "its own image, kept on the host");
    }

    [Test, Order(5)]
    public async Task A_registry_that_cannot_serve_is_a_clear_error_before_the_lock_and_the_site_is_untouched()
    {
        var before = await ServingAsync();
        var releases = OnWeb($"ls {_settings.Site.Root}/{_settings.Site.Name}/releases");
        var registries = OnWeb("cat /etc/containers/registries.conf.d/*.conf");
        Touch("project/status/views.py", "# change for the registry test");
        // Something that is not a registry holds the registry's port on the bridge: it accepts and never answers.
        using var squatter = new TcpListener(IPAddress.Parse("10.213.0.1"), 5109);
        squatter.Start();

        var (code, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot,
            ["--target=Deploy", "--site_source=" + _site, "--site_runtime=container", "--container_registry=10.213.0.1:5109"]);

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Container.Registry").And.Contain("10.213.0.1").And.Contain("5109"));
        Assert.That(output, Does.Not.Contain("RestartGunicorn"));
        Assert.That(await ServingAsync(), Is.EqualTo(before));
        Assert.That(OnWeb($"ls {_settings.Site.Root}/{_settings.Site.Name}/releases"), Is.EqualTo(releases), "no release was made");
        Assert.That(OnWeb("cat /etc/containers/registries.conf.d/*.conf"), Is.EqualTo(registries), "the hosts were not configured");
        Assert.That(OnWeb($"test ! -e {_settings.Site.Root}/{_settings.Site.Name}/deploy.lock && echo unlocked"), Is.EqualTo("unlocked"));
    }

    [Test, Order(9)]
    public void This_machine_s_ip_forward_and_firewall_are_as_before()
    {
        Assert.That(ImageBuildSandboxTests.NetworkState(), Is.EqualTo(_networkBefore));
    }

    [GeneratedRegex(@"Release (\d{8}T\d{6}Z-[0-9a-f]{8}) serves at")]
    private static partial Regex ServedPattern();
}
