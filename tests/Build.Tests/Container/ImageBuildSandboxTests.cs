using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Container;

/// <summary>
/// The sample's image really built by podman through the docker client and pushed to a real
/// docker-registry on loopback, read back over HTTP; and this machine's network as it was. Needs
/// root and the sandbox's Debian tree (made by SandboxUp when missing). The registry is started
/// here, so that the suite's runs find it running and leave it up for the test to read.
/// </summary>
[NonParallelizable]
public sealed partial class ImageBuildSandboxTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _registry = "127.0.0.1:" + FreePort();
    private string _networkBefore = "";
    private TempDirectory _site = null!;
    private LocalRegistry _runningRegistry = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _networkBefore = NetworkState();
        var (settings, secrets) = SandboxHosts.LoadSettings();
        if (!Directory.Exists(Path.Combine(SandboxHosts.RepositoryRoot, settings.Sandbox.StateDirectory, "base", "usr")))
        {
            var sandbox = SandboxHosts.For(settings, secrets);
            sandbox.Up();
            sandbox.Down();
        }

        _site = new TempDirectory();
        CopyTree(Path.Combine(SandboxHosts.RepositoryRoot, "samples", "site"), _site.Path);
        // A checkout of its own, so that the image gets a commit name.
        TempDirectory.RunSh($"cd {_site.Path} && git init -q && git add -A && git -c user.name=test -c user.email=test@localhost commit -qm site");
        _runningRegistry = new LocalRegistry(ContainerLayout.ForCheckout(SandboxHosts.RepositoryRoot),
            new ContainerSettings { Registry = _registry }, new LocalRunner(TestContext.Progress.WriteLine));
        _runningRegistry.Start();
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _runningRegistry.StopIfStarted();
        _site.Dispose();
    }

    [Test]
    [Order(1)]
    public async Task PushImage_builds_the_sample_and_the_registry_serves_it_under_its_release_id_and_commit()
    {
        var (releaseTag, commitTag) = Push();

        var catalog = await Json($"http://{_registry}/v2/_catalog");
        Assert.That(catalog.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()), Has.Member("coralnet"));
        var tags = (await Json($"http://{_registry}/v2/coralnet/tags/list")).GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.That(tags, Has.Member(releaseTag).And.Member(commitTag));
        Assert.That(commitTag, Does.Match("^git-[0-9a-f]{12}$"));
        Assert.That(await Layers(releaseTag), Is.EqualTo(await Layers(commitTag)), "both names are one image");
    }

    [Test]
    [Order(2)]
    public async Task After_a_one_file_change_only_the_app_layer_is_new()
    {
        var (before, _) = Push();
        File.AppendAllText(Path.Combine(_site.Path, "project", "status", "views.py"), "\n# changed by the test\n");
        var clock = Stopwatch.StartNew();
        var (after, _) = Push();
        clock.Stop();

        var old = await Layers(before);
        var changed = await Layers(after);
        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(changed.Count, Is.EqualTo(old.Count));
        Assert.That(changed.SkipLast(1).Select(l => l.Digest), Is.EqualTo(old.SkipLast(1).Select(l => l.Digest)), "the base layers are shared");
        Assert.That(changed[^1].Digest, Is.Not.EqualTo(old[^1].Digest));
        TestContext.Out.WriteLine($"one-file change: build and push {clock.Elapsed.TotalSeconds:0.0} s, new layer {changed[^1].Size} bytes of {changed.Sum(l => l.Size)}");
    }

    [Test]
    [Order(3)]
    public void A_site_s_own_Dockerfile_is_built_with_its_RUN_steps()
    {
        var (settings, _) = SandboxHosts.LoadSettings();
        var baseImage = new ContainerBaseImage(new ContainerLayout("unused"), "unused", settings.Site).Name;
        File.WriteAllText(Path.Combine(_site.Path, "Dockerfile"), $"""
            FROM {baseImage}
            RUN test -x /usr/bin/gunicorn && python3 -c 'import django, psycopg2'
            COPY . /srv/site
            """);
        try
        {
            var (exitCode, output) = Suite("--target=BuildImage");

            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("from the site's Dockerfile"));
        }
        finally
        {
            File.Delete(Path.Combine(_site.Path, "Dockerfile"));
        }
    }

    [Test]
    [Order(4)]
    public void Docker_as_the_engine_with_no_engine_running_is_a_clear_error()
    {
        var before = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix:///run/no-such-engine.sock");
        try
        {
            var (exitCode, output) = Suite("--target=BuildImage", "--container_engine=docker");

            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("Container.Engine is docker but no Docker engine answers at unix:///run/no-such-engine.sock"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", before);
        }
    }

    [Test]
    [Order(5)]
    public void A_registry_that_does_not_answer_is_a_clear_error_before_anything_is_built()
    {
        // Not a loopback address by name, so the suite does not run it: someone's registry, down.
        var registry = "localhost:" + FreePort();

        var (exitCode, output) = SuiteWith(registry, "--target=PushImage");

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"Error: The registry Container.Registry names, {registry}, does not answer").And.Contain("nothing was pushed"));
        Assert.That(output, Does.Not.Contain("BuildImage: built").And.Not.Contain("making the base image"), "the registry is checked before anything is built");
    }

    [Test]
    [Order(5)]
    public void An_engine_left_by_a_run_killed_with_SIGKILL_is_stopped_by_the_next_run_not_adopted()
    {
        var layout = ContainerLayout.ForCheckout(SandboxHosts.RepositoryRoot);
        int? leftover = null;
        // Killed as soon as the engine answers, mid-build: at "BuildImage: built" the run was already ending and,
        // since a stopped engine is no longer waited for as a zombie, had often stopped it before the kill came.
        SuiteProcess.Run(SandboxHosts.RepositoryRoot, ["--target=BuildImage", "--site_source=" + _site.Path, "--container_registry=" + _registry, "--verbosity=verbose"], (line, run) =>
        {
            if (leftover is null && line.Contains("podman system service", StringComparison.Ordinal))
            {
                var clock = Stopwatch.StartNew();
                while ((leftover = MachineState.LivePid(layout.EnginePidFile, layout.Socket)) is null && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(10);
                }

                run.Kill(entireProcessTree: true);
            }
        });
        Assert.That(leftover, Is.Not.Null, "podman's service ran when the run was killed");
        Assert.That(MachineState.IsAlive(leftover!.Value), Is.True, "and outlived the run");

        var (exitCode, output) = Suite("--target=BuildImage");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(MachineState.IsAlive(leftover.Value), Is.False, "the next run stopped it instead of adopting it");
        Assert.That(MachineState.LivePid(layout.EnginePidFile, layout.Socket), Is.Null, "and left no engine running");
    }

    [Test]
    [Order(5)]
    public void A_package_script_of_the_base_image_cannot_write_this_machine_s_kernel_settings()
    {
        var (settings, _) = SandboxHosts.LoadSettings();
        using var layer = new TempDirectory();
        // Writes the value it reads (nothing would change even if it were let), and says by its exit code that it was refused.
        const string script = "cat /proc/sys/net/ipv4/ip_forward > /proc/sys/net/ipv4/ip_forward || exit 42";

        var failure = Assert.Throws<SandboxException>(() => BaseImage.InstallOver(new LocalRunner(TestContext.Progress.WriteLine),
            Path.Combine(SandboxHosts.RepositoryRoot, settings.Sandbox.StateDirectory, "base"), Path.Combine(layer.Path, "upper"), null, script, _ => { }))!;

        Assert.That(failure.Message, Does.Contain("failed with exit code 42"), "/proc/sys is read-only to the install");
        Assert.That(MachineState.MountsUnder(layer.Path), Is.Empty, "the overlay is gone after a failed install");
    }

    [Test]
    [Order(6)]
    public void This_machine_s_ip_forward_firewall_interfaces_and_mounts_are_as_before_and_no_engine_is_left_running()
    {
        // After builds with and without RUN steps (which podman runs in this machine's own network namespace).
        Assert.That(NetworkState(), Is.EqualTo(_networkBefore));
        var layout = ContainerLayout.ForCheckout(SandboxHosts.RepositoryRoot);
        Assert.That(MachineState.LivePid(layout.EnginePidFile, layout.Socket), Is.Null);
        Assert.That(MachineState.MountsUnder(layout.Directory), Is.Empty, "podman's mounts stay in its own mount namespace");
    }

    private (string ReleaseTag, string CommitTag) Push()
    {
        var (exitCode, output) = Suite("--target=PushImage");
        Assert.That(exitCode, Is.Zero, output);
        var built = BuiltLine().Match(output);
        Assert.That(built.Success, Is.True, output);
        return (built.Groups[1].Value, built.Groups[2].Value);
    }

    private (int ExitCode, string Output) Suite(params string[] args) => SuiteWith(_registry, args);

    private (int ExitCode, string Output) SuiteWith(string registry, params string[] args)
    {
        var (exitCode, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, [.. args, "--site_source=" + _site.Path, "--container_registry=" + registry]);
        TestContext.Out.WriteLine(output);
        return (exitCode, output);
    }

    private async Task<IReadOnlyList<(string Digest, long Size)>> Layers(string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{_registry}/v2/coralnet/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return manifest.GetProperty("layers").EnumerateArray()
            .Select(layer => (layer.GetProperty("digest").GetString()!, layer.GetProperty("size").GetInt64()))
            .ToList();
    }

    private static async Task<JsonElement> Json(string url) => JsonDocument.Parse(await Http.GetStringAsync(url)).RootElement;

    /// <summary>
    /// ip_forward, the firewall's rules and the interfaces of this machine's own namespace, but the
    /// sandbox's bridge and veths (another checkout's sandbox may come and go meanwhile).
    /// </summary>
    internal static string NetworkState() => string.Join("\n---\n",
        File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim(),
        Command("iptables-save"),
        Command("ip6tables-save"),
        Prerequisites.Find("nft") is null ? "no nft" : Command("nft", "list", "ruleset"),
        string.Join('\n', Command("ip", "-o", "link", "show").Split('\n')
            .Where(line => !line.Contains(SandboxLayout.BridgeName, StringComparison.Ordinal) && !line.Contains(": vsb-", StringComparison.Ordinal))
            .Select(line => line.Split(' ').ElementAtOrDefault(1))));

    private static string Command(string program, params string[] args)
    {
        var result = new LocalRunner(_ => { }).TryRun(new LocalCommand(program, args));
        // The rules' counters and the dump's own time stamps change by themselves; the rules do not.
        return string.Join('\n', result.Output.Split('\n').Where(line => !line.StartsWith('#')).Select(line => CounterPattern().Replace(line, "")));
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex(@"BuildImage: built [^ ]+:([0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}), [^ ]+:(git-[0-9a-f]{12})")]
    private static partial Regex BuiltLine();

    [GeneratedRegex(@"\[\d+:\d+\]")]
    private static partial Regex CounterPattern();
}
