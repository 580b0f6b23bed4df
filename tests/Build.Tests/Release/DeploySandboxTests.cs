using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The release deploy's "done when", on a sandbox booted fresh for the fixture: the real task graph
/// run in process (as ./build.sh --target=Deploy), and the site asked through nginx on web1's
/// address with the site's Host header. The site deployed is a copy of the sample, changed by the tests.
/// </summary>
public sealed partial class DeploySandboxTests : SandboxFixture
{
    protected override bool FreshHosts => true;

    protected override string SiteCopyPrefix => "deploy-site-";

    private (int ExitCode, string Output) Suite(params string[] args) => SuiteRun.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    private async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{Settings.Site.Domain}{path}");
        using var answer = await Https.SendAsync(request);
        return ((int)answer.StatusCode, (await answer.Content.ReadAsStringAsync()).Trim());
    }

    private async Task<string> ServingAsync()
    {
        var (status, body) = await GetAsync("/health/");
        Assert.That(status, Is.EqualTo(200), body);
        return body;
    }

    private static string LastPackaged(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"Release (\d{8}T\d{6}Z-[0-9a-f]{8}): \d+ files").Select(m => m.Groups[1].Value).Last();

    private void Touch(string relative, string line) =>
        File.AppendAllText(Path.Combine(Site, relative), line + "\n");

    [Test, Order(1)]
    public async Task A_fresh_deploy_serves_the_sample_page_with_the_database_answering_and_logs_no_secret()
    {
        var (code, output) = Suite("--target=Deploy", "--verbosity=diagnostic");

        Assert.That(code, Is.Zero, output);
        var id = SampleSiteCopy.Served(output);
        var (status, page) = await GetAsync("/");
        Assert.That(status, Is.EqualTo(200), page);
        Assert.That(page, Does.Contain($"<code id=\"release\">{id}</code>").And.Contain("Database: answering"));
        Assert.That((await GetAsync("/static/status/site.css")).Status, Is.EqualTo(200), "nginx serves the collected static files");
        Assert.That(output, Does.Contain($"https://{Settings.Site.Domain}/"));
        foreach (var secret in new[] { Settings.Site.SecretKey, Settings.Database.Password, Settings.Database.MasterPassword })
        {
            Assert.That(output, Does.Not.Contain(Secrets.Get(secret).Reveal()), $"the value of {secret} is in the diagnostic log");
        }
    }

    [Test, Order(2)]
    public async Task A_one_file_change_is_served_while_requests_over_https_never_fail()
    {
        var before = await ServingAsync();
        Touch("project/status/views.py", "# change for the zero-downtime test");

        var ((code, output), requests, failures) = await RequestLoop.AroundAsync(GetAsync, () => Suite("--target=Deploy"));

        Assert.That(code, Is.Zero, output);
        var id = SampleSiteCopy.Served(output);
        Assert.That(id, Is.Not.EqualTo(before));
        Assert.That(await ServingAsync(), Is.EqualTo(id));
        Assert.That(output, Does.Contain("1 file(s) sent"));
        Assert.That((await GetAsync("/static/status/site.css")).Status, Is.EqualTo(200), "the collected static files of the new release (linked from the previous one) are served");
        Assert.That(requests, Is.GreaterThan(20), "the loop ran during the deploy");
        Assert.That(failures, Is.Empty);
    }

    [Test, Order(2)]
    public void The_default_output_is_one_line_per_task_that_changed_something_then_the_URL_then_the_recap()
    {
        Touch("project/status/views.py", "# change for the output test");

        var (code, output) = Suite("--target=Deploy");

        Assert.That(code, Is.Zero, output);
        TestContext.Out.WriteLine(output);
        var lines = output.TrimEnd().Split('\n');
        Assert.That(output, Does.Not.Contain("Site.Domain =").And.Not.Contain("Timeouts."), "no settings dump: ShowSettings' job, and verbose's");
        Assert.That(output, Does.Not.Contain("=====").And.Not.Contain("Duration"), "Cake's banners and task summary are verbose's");
        Assert.That(lines, Has.One.Match(@"^UploadCode: web1 changed: upload \S+ \(1 file\(s\) sent, \d+ linked from \S+\)$"));
        Assert.That(lines, Has.One.Match(@"^ReloadNginx: web1 changed: switch current to \S+, nginx site and serving slot$"));
        Assert.That(lines, Has.None.Match(@"^(UpgradePackages|CreateUsers|PrepareWebRoot|InstallPackages|RemoveDefaultSite):"), "a configured host: those tasks changed nothing and print nothing");
        Assert.That(lines.Length, Is.LessThan(25), "short");
        // The recap comes last, followed only by each certificate's line.
        var recap = Array.IndexOf(lines, "RECAP");
        Assert.That(recap, Is.GreaterThan(0), output);
        Assert.That(lines[recap - 1], Does.Match(@"^Release \S+ serves at https://"));
        Assert.That(lines[recap + 1], Does.Match(@"^database +: ok=\d+ +changed=0 +failed=0$"), "SetupDatabase's items, on a database set up before");
        Assert.That(lines[recap + 2], Does.Match(@"^web1 +: ok=\d+ +changed=[1-9]\d* +failed=0$"), "it counts the release steps");
        Assert.That(lines[(recap + 3)..], Has.All.Match(@"^web1: certificate for coralnet\.sandbox, valid until .+ \(serial [0-9A-F]+\)$"));
    }

    [Test, Order(3)]
    public async Task A_release_whose_app_fails_to_import_is_rolled_back_and_the_old_one_keeps_serving()
    {
        var before = await ServingAsync();
        var wsgi = Path.Combine(Site, "project/config/wsgi.py");
        var good = File.ReadAllText(wsgi);
        File.AppendAllText(wsgi, "raise ImportError('broken on purpose by the deploy test')\n");
        try
        {
            var (code, output) = Suite("--target=Deploy", "--timeouts_healthcheckseconds=10");
            TestContext.Out.WriteLine(output);

            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("failed its health check").And.Contain("rolled back").And.Contain($"release {before} keeps serving"));
            Assert.That(await ServingAsync(), Is.EqualTo(before));
            var (_, list) = Suite("--target=Releases");
            Assert.That(list, Does.Contain("* " + before).And.Not.Contain(LastPackaged(output)), "the failed release is deleted: it never becomes a rollback target");
        }
        finally
        {
            File.WriteAllText(wsgi, good);
        }
    }

    [Test, Order(4)]
    public async Task A_broken_nginx_template_fails_nginx_t_and_the_site_keeps_serving()
    {
        var before = await ServingAsync();
        Touch("project/status/views.py", "# change for the nginx test");
        await using var ssh = Ssh();
        var options = new ReleaseOptions(Settings.Site, Site, Directory.CreateTempSubdirectory("manifests-").FullName, TimeSpan.FromSeconds(30), Tls: Settings.Tls,
            NginxTemplate: TemplateRenderer.Load(SiteTemplates.NginxSiteTemplate).Replace("client_max_body_size", "this_is_not_a_directive on;\n    client_max_body_size", StringComparison.Ordinal));
        var deployer = new ReleaseDeployer(ssh.Executor, ssh.Hosts, options, TestContext.Progress.WriteLine, _ => { });
        deployer.Package(DateTimeOffset.UtcNow);
        await deployer.UploadAsync();
        await deployer.InstallRequirementsAsync(Settings.Database.Name);
        await deployer.StartStandbyAsync();

        var refused = Assert.ThrowsAsync<ReleaseException>(() => deployer.ReloadNginxAsync());

        Assert.That(refused!.Message, Does.Contain("nginx -t refused").And.Contain("this_is_not_a_directive"));
        Assert.That(await ServingAsync(), Is.EqualTo(before));
        var current = await ssh.RunAsync($"readlink {Settings.Site.Root}/{Settings.Site.Name}/current");
        Assert.That(current, Is.EqualTo("releases/" + before), "current went back");
    }

    [Test, Order(5)]
    public async Task Rollback_serves_the_previous_release_again()
    {
        var serving = await ServingAsync();

        var (code, output) = Suite("--target=Rollback");

        Assert.That(code, Is.Zero, output);
        var back = await ServingAsync();
        Assert.That(back, Is.Not.EqualTo(serving));
        Assert.That(string.CompareOrdinal(back, serving), Is.LessThan(0), "an older release");
        var (listCode, list) = Suite("--target=Releases");
        Assert.That(listCode, Is.Zero, list);
        Assert.That(list, Does.Contain("* " + back));
    }

    [Test, Order(6)]
    public async Task A_concurrent_deploy_is_refused_by_the_lock_naming_its_holder()
    {
        await using var ssh = Ssh();
        var commands = new ReleaseCommands(new ReleasePaths(Settings.Site.Root, Settings.Site.Name));
        var other = new DeployLockHolder("someone-else", "elsewhere", 4242, DateTimeOffset.UtcNow, "20260101T000000Z-00000000");
        await ssh.Executor.RunAsync(ssh.Hosts[0], commands.Locks.Lock(other, 0));
        try
        {
            var (code, output) = Suite("--target=Deploy");

            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("another deploy holds the lock").And.Contain("user=someone-else"));
            Assert.That(await ssh.RunAsync($"cat {commands.Paths.Lock}/holder"), Does.Contain("user=someone-else"), "the other run's lock is left alone");
        }
        finally
        {
            var (code, output) = Suite("--target=Unlock");
            Assert.That(code, Is.Zero, output);
        }

        Assert.That(await ssh.RunAsync($"test -e {commands.Paths.Lock} && echo held || echo free"), Is.EqualTo("free"));
    }

    private TestSsh Ssh()
    {
        var state = Path.Combine(SandboxHosts.RepositoryRoot, Settings.Sandbox.StateDirectory);
        var options = new SshOptions("root", Path.Combine(state, "id_ed25519"), null, Path.Combine(state, "known_hosts"), false,
            TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300));
        var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        return new TestSsh(pool, new SandboxHostInventory(Settings).WebHosts());
    }

    private sealed class TestSsh(SshConnectionPool pool, IReadOnlyList<SshTarget> hosts) : IAsyncDisposable
    {
        public IRemoteExecutor Executor { get; } = new SshExecutor(pool, s => s);

        public SshConnectionPool Pool => pool;

        public IReadOnlyList<SshTarget> Hosts => hosts;

        public async Task<string> RunAsync(string script) =>
            (await Executor.RunAsync(hosts[0], new RemoteCommand(script, script))).Stdout.Trim();

        public ValueTask DisposeAsync() => pool.DisposeAsync();
    }
}
