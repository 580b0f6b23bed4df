using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tests.Container;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Site.Runtime container on one sandbox booted for the fixture (web hosts able to run containers),
/// with the engine on the web hosts a derived fixture names: the real task graph run in process, the
/// site asked through nginx on web1 over https. The site deployed is a copy of the sample, changed by
/// the tests. The tests here hold for either engine; a fixture adds its own.
/// </summary>
public abstract partial class ContainerDeploySandboxBase : SandboxFixture
{
    private string _networkBefore = null!;

    /// <summary>The engine on the web hosts (Container.HostEngine), as its command is named.</summary>
    protected abstract string Engine { get; }

    /// <summary>The inspect format of a container's image name in <see cref="Engine"/>'s inspect.</summary>
    protected abstract string ImageNameFormat { get; }

    /// <summary>The command on web1 printing the users of the processes of a container (one per line, after a header).</summary>
    protected abstract string ProcessUsers(string container);

    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string> { ["Site_Runtime"] = "container", ["Container_HostEngine"] = Engine };

    protected override bool FreshHosts => true;

    protected override string SiteCopyPrefix => "container-site-";

    protected override void BeforeHostsUp() => _networkBefore = ImageBuildSandboxTests.NetworkState();

    protected (int ExitCode, string Output) Suite(params string[] args) => SuiteRun.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    protected string OnWeb(string command)
    {
        var result = Sandbox.Ssh(Web, command);
        Assert.That(result.Succeeded, Is.True, $"{command}: {result.Error}");
        return result.Output.Trim();
    }

    protected async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var answer = await Https.GetAsync($"https://{Settings.Site.Domain}{path}");
        return ((int)answer.StatusCode, (await answer.Content.ReadAsStringAsync()).Trim());
    }

    protected async Task<string> ServingAsync()
    {
        var (status, body) = await GetAsync("/health/");
        Assert.That(status, Is.EqualTo(200), body);
        return body;
    }

    /// <summary>The name of the container serving on web1 (the one nginx points at), as a shell word.</summary>
    protected string ServingContainer => $"{Settings.Site.Name}-$(cat {Settings.Site.Root}/{Settings.Site.Name}/slots/serving)";

    /// <summary>The image the container serving on web1 runs.</summary>
    protected string ServingImage() => OnWeb($"{Engine} inspect --format '{{{{{ImageNameFormat}}}}}' {ServingContainer}");

    protected static string LastReleaseId(string output) =>
        ServedPattern().Matches(output).Select(m => m.Groups[1].Value).Last();

    protected void Touch(string relative, string line) => File.AppendAllText(Path.Combine(Site, relative), line + "\n");

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
        Assert.That(ServingImage(), Is.EqualTo($"10.213.0.1:5100/{Settings.Site.Name}:{id}"));
        Assert.That(OnWeb($"{Engine} inspect --format '{{{{.Config.User}}}} {{{{.HostConfig.ReadonlyRootfs}}}} {{{{.HostConfig.Init}}}} {{{{.HostConfig.LogConfig.Type}}}}' {ServingContainer}"),
            Is.EqualTo("65534:65534 true true journald"));
        Assert.That(OnWeb($"{ProcessUsers(ServingContainer)} | tail -n +2 | sort -u"), Is.EqualTo("nobody"));
    }

    [Test, Order(2)]
    public async Task A_one_file_change_is_served_with_no_failed_request()
    {
        var before = await ServingAsync();
        Touch("project/status/views.py", "# change for the zero-downtime test");

        var ((code, output), requests, failures) = await RequestLoop.AroundAsync(GetAsync, () => Suite("--target=Deploy"));

        Assert.That(code, Is.Zero, output);
        var id = LastReleaseId(output);
        Assert.That(id, Is.Not.EqualTo(before));
        Assert.That(await ServingAsync(), Is.EqualTo(id));
        Assert.That(ServingImage(), Is.EqualTo($"10.213.0.1:5100/{Settings.Site.Name}:{id}"));
        Assert.That(requests, Is.GreaterThan(20), "the loop ran during the deploy");
        Assert.That(failures, Is.Empty);
        Assert.That((await GetAsync("/static/status/site.css")).Status, Is.EqualTo(200), "the collected static files, linked from the previous release, are served");
    }

    [Test, Order(5)]
    public async Task Rollback_serves_the_previous_image_again()
    {
        var serving = await ServingAsync();

        var (code, output) = Suite("--target=Rollback");

        Assert.That(code, Is.Zero, output);
        var back = await ServingAsync();
        Assert.That(string.CompareOrdinal(back, serving), Is.LessThan(0), "an older release");
        Assert.That(ServingImage(), Is.EqualTo($"10.213.0.1:5100/{Settings.Site.Name}:{back}"), "its own image, kept on the host");
    }

    [Test, Order(8)]
    public async Task After_web1_loses_power_and_boots_again_the_serving_slot_serves_without_a_deploy_and_the_standby_stays_stopped()
    {
        var serving = await ServingAsync();
        var slot = int.Parse(OnWeb($"cat {Settings.Site.Root}/{Settings.Site.Name}/slots/serving"), System.Globalization.CultureInfo.InvariantCulture);
        var standby = GunicornSlots.Standby(Settings.Site, slot);
        Assert.That(OnWeb($"systemctl is-enabled {Settings.Site.Name}-gunicorn@{slot}.service"), Is.EqualTo("enabled"));
        Assert.That(OnWeb($"systemctl is-enabled {Settings.Site.Name}-gunicorn@{standby}.service || true"), Is.EqualTo("disabled"));

        Sandbox.PowerOff(Web.Name);
        Sandbox.Up();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = "";
        while (true)
        {
            try
            {
                answer = (await GetAsync("/health/")).Body;
            }
            catch (Exception refused) when (refused is HttpRequestException or TaskCanceledException)
            {
            }

            if (answer == serving || clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                break;
            }

            await Task.Delay(500);
        }

        TestContext.Out.WriteLine($"the site answered {clock.Elapsed.TotalSeconds:0.0} s after web1 booted again");
        Assert.That(answer, Is.EqualTo(serving), "the release that served before the power loss serves again");
        Assert.That(OnWeb($"systemctl is-active {Settings.Site.Name}-gunicorn@{standby}.service || true"), Is.EqualTo("inactive"));
    }

    [Test, Order(9)]
    public void This_machine_s_ip_forward_and_firewall_are_as_before()
    {
        Assert.That(ImageBuildSandboxTests.NetworkState(), Is.EqualTo(_networkBefore));
    }

    [GeneratedRegex(@"Release (\d{8}T\d{6}Z-[0-9a-f]{8}) serves at")]
    private static partial Regex ServedPattern();
}
