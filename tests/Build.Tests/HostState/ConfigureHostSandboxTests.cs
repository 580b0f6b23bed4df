using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tls;
using CoralNet.Deploy.Tests.Remote;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.HostState;

/// <summary>
/// ConfigureHost's "done when" on real sandbox hosts (Debian with systemd), found through the
/// sandbox's inventory (key .sandbox/id_ed25519, .sandbox/known_hosts), on hosts booted fresh for the fixture.
/// </summary>
public class ConfigureHostSandboxTests : SandboxFixture
{
    private string _keys = null!;
    private IReadOnlyList<SshTarget> _hosts = null!;

    /// <summary>Fresh hosts: a host left configured by an earlier run would hide a first-run mistake.</summary>
    protected override bool FreshHosts => true;

    private string StateDirectory => Sandbox.Layout.StateDirectory;

    [OneTimeSetUp]
    public void FindHostsAndMakeKeys()
    {
        _hosts = new SandboxHostInventory(Settings).WebHosts();
        _keys = Directory.CreateTempSubdirectory("people-").FullName;
        LoopbackSshd.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice@test", "-f", Path.Combine(_keys, "alice"));
    }

    [OneTimeTearDown]
    public void RemoveKeys()
    {
        if (_keys is not null)
        {
            Directory.Delete(_keys, recursive: true);
        }
    }

    private DeploySettings PlanSettings() => new()
    {
        People = [new PersonSettings { Login = "alice", Keys = [File.ReadAllText(Path.Combine(_keys, "alice.pub")).Trim()] }],
        // The sandbox's own TLS settings, as the real target has them (certbot and the ACME CA's trust).
        Tls = Settings.Tls,
    };

    private SshOptions Options(string user = "root", string? key = null) => new(
        user, key ?? Path.Combine(StateDirectory, "id_ed25519"), null, Path.Combine(StateDirectory, "known_hosts"), false,
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(900));

    private Task<RunRecorder> ConfigureAsync(SshConnectionPool pool, bool check = false, string? sudoersTemplate = null) =>
        RunPlanAsync(pool, ConfigureHostPlan.Build(PlanSettings(), allowReboot: true, sudoersTemplate, TlsHostPlan.AcmeCaBundle(PlanSettings(), SandboxHosts.RepositoryRoot)), check);

    private async Task<RunRecorder> RunPlanAsync(SshConnectionPool pool, IReadOnlyList<PlannedTask> plan, bool check = false)
    {
        var recorder = new RunRecorder(check);
        var configuration = new HostConfiguration(new SshExecutor(pool, s => s), _hosts, plan, recorder, TestContext.Progress.WriteLine, TimeSpan.FromMinutes(5));
        foreach (var task in plan)
        {
            await configuration.RunTaskAsync(task.Name);
        }

        return recorder;
    }

    private static async Task<string> Run(SshExecutor executor, SshTarget host, string script) =>
        (await executor.RunAsync(host, new RemoteCommand(script, script))).Stdout.Trim();

    [Test, Order(1)]
    public async Task The_first_run_configures_everything_and_the_second_changes_nothing()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        await ConfigureAsync(pool);
        var second = await ConfigureAsync(pool);
        Assert.That(second.Counts().Sum(c => c.Changed), Is.Zero, () => "changed again: " + string.Join("; ", second.Items.Where(i => i.Status == ItemStatus.Changed).Select(i => $"{i.Host} {i.Item}")));
        Assert.That(pool.ConnectionsOpened, Is.EqualTo(_hosts.Count));

        var executor = new SshExecutor(pool, s => s);
        var host = _hosts[0];
        Assert.That(await Run(executor, host, "id -nG alice"), Does.Contain("sudo").And.Contain("people"));
        Assert.That(await Run(executor, host, "visudo -cf /etc/sudoers.d/coralnet-alice >/dev/null && echo valid"), Is.EqualTo("valid"));
        Assert.That(await Run(executor, host, "stat -c '%U %G %a' /srv/www /srv/people"), Is.EqualTo("root root 755\nroot people 3775"));
        Assert.That(await Run(executor, host, "id -nG coralnet; getent passwd coralnet | cut -d: -f7"), Is.EqualTo("coralnet\n/usr/sbin/nologin"), "the site's user: its own group only, no login");
        Assert.That(await Run(executor, host, "systemctl is-active nginx"), Is.EqualTo("active"));
        Assert.That(await Run(executor, host, "test -e /etc/nginx/sites-enabled/default && echo present || echo gone"), Is.EqualTo("gone"));

        // alice logs in with her key and gets root through sudo -n: the drop-in is effective.
        var alice = Options("alice", Path.Combine(_keys, "alice"));
        await using var alicePool = new SshConnectionPool(alice, new HostKeyVerifier(alice.KnownHostsFile, false));
        Assert.That(await Run(new SshExecutor(alicePool, s => s), host, "id -u"), Is.EqualTo("0"));
    }

    [Test, Order(2)]
    public async Task Check_mode_reports_a_hand_edited_file_and_changes_nothing()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        var host = _hosts[0];
        await Run(executor, host, "echo '# edited by hand' >> /home/alice/.ssh/authorized_keys");
        var before = await Run(executor, host, "sha256sum /home/alice/.ssh/authorized_keys");

        var check = await ConfigureAsync(pool, check: true);

        Assert.That(check.Items.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Item), Is.EqualTo(new[] { "file /home/alice/.ssh/authorized_keys" }));
        Assert.That(await Run(executor, host, "sha256sum /home/alice/.ssh/authorized_keys"), Is.EqualTo(before));
        await ConfigureAsync(pool);
    }

    [Test, Order(3)]
    public async Task A_broken_sudoers_template_is_refused_and_sudoers_d_is_untouched()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        var before = await Run(executor, _hosts[0], "ls -la --time-style=full-iso /etc/sudoers.d; sha256sum /etc/sudoers.d/*");

        Assert.ThrowsAsync<HostConfigurationException>(() => ConfigureAsync(pool, sudoersTemplate: "{{ Login }} ALL=(ALL NOPASSWD ALL\n"));

        Assert.That(await Run(executor, _hosts[0], "ls -la --time-style=full-iso /etc/sudoers.d; sha256sum /etc/sudoers.d/*"), Is.EqualTo(before));
    }

    [Test, Order(4)]
    public async Task A_changed_host_key_is_refused()
    {
        var knownHosts = Path.GetTempFileName();
        try
        {
            var real = KnownHosts.Load(Path.Combine(StateDirectory, "known_hosts"));
            var type = real.KeyTypesFor(_hosts[0].Address, 22).First();
            LoopbackSshd.Run("ssh-keygen", "-q", "-t", type == "ssh-rsa" ? "rsa" : "ed25519", "-N", "", "-C", "", "-f", knownHosts + ".key");
            var other = File.ReadAllText(knownHosts + ".key.pub").Split(' ');
            File.WriteAllText(knownHosts, $"{_hosts[0].Address} {other[0]} {other[1]}\n");
            var options = Options() with { KnownHostsFile = knownHosts, TrustOnFirstUse = true };
            await using var pool = new SshConnectionPool(options, new HostKeyVerifier(knownHosts, true));
            var error = Assert.ThrowsAsync<HostConfigurationException>(() => ConfigureAsync(pool));
            Assert.That(error!.Message, Does.Contain("CHANGED"));
        }
        finally
        {
            File.Delete(knownHosts);
            File.Delete(knownHosts + ".key");
            File.Delete(knownHosts + ".key.pub");
        }
    }

    [Test, Order(8)]
    public void The_real_target_at_diagnostic_verbosity_changes_nothing_more_and_prints_no_secret()
    {
        var (exitCode, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, "--target=ConfigureHost", "--verbosity=diagnostic");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"web1\s+: ok=\d+\s+changed=0\s+failed=0"), "the recap shows a converged host");
        var secrets = Directory.GetFiles(Path.Combine(StateDirectory, "secrets")).Select(File.ReadAllText).Select(s => s.Trim()).ToList();
        Assert.That(secrets, Is.Not.Empty);
        Assert.That(secrets, Has.None.Matches<string>(secret => output.Contains(secret, StringComparison.Ordinal)));
    }

    [Test, Order(6)]
    public async Task A_pending_reboot_reboots_the_host_and_waits_for_it()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        // /run is a tmpfs: a marker there is gone once the host has really rebooted.
        await Run(executor, _hosts[0], "touch /run/coralnet-before-reboot /var/run/reboot-required");

        var run = await ConfigureAsync(pool);

        Assert.That(run.Items.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Detail), Has.Some.Contains("reboot-required"));
        Assert.That(await Run(executor, _hosts[0], "test -e /run/coralnet-before-reboot && echo still-there || echo rebooted"), Is.EqualTo("rebooted"));
        var again = await ConfigureAsync(pool);
        Assert.That(again.Counts().Sum(c => c.Changed), Is.Zero);
    }

    [Test, Order(7)]
    public async Task A_person_taken_out_of_the_settings_loses_sudo_and_login()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        var nobody = new DeploySettings();

        var run = await RunPlanAsync(pool, ConfigureHostPlan.Build(nobody));
        var again = await RunPlanAsync(pool, ConfigureHostPlan.Build(nobody));

        Assert.That(run.Items.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Item), Is.EqualTo(new[] { "former people" }));
        Assert.That(again.Counts().Sum(c => c.Changed), Is.Zero);
        Assert.That(await Run(executor, _hosts[0], "test -e /etc/sudoers.d/coralnet-alice && echo present || echo gone"), Is.EqualTo("gone"));
        Assert.That(await Run(executor, _hosts[0], "passwd -S alice | cut -d' ' -f2"), Is.EqualTo("L"));
        var alice = Options("alice", Path.Combine(_keys, "alice"));
        await using var alicePool = new SshConnectionPool(alice, new HostKeyVerifier(alice.KnownHostsFile, false));
        Assert.That(async () => await alicePool.GetConnectedAsync(_hosts[0]), Throws.Exception, "alice can no longer log in");
    }
    [Test, Order(9)]
    public async Task The_real_target_under_check_reports_a_hand_made_change_and_changes_nothing()
    {
        // The host is configured by the real target (Order 8); then someone re-enables nginx's default site by hand.
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        var host = _hosts[0];
        await Run(executor, host, "ln -sfn /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default");
        const string State = "ls -la --time-style=full-iso /etc/nginx/sites-enabled /etc/sudoers.d /srv/www; sha256sum /etc/nginx/sites-enabled/* /etc/sudoers.d/*";
        var before = await Run(executor, host, State);
        var report = Path.Combine(Path.GetTempPath(), $"check-report-{Guid.NewGuid():N}.json");

        try
        {
            var (exitCode, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, "--target=ConfigureHost", "--check", "--report=" + report);

            Assert.That(exitCode, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain($"{host.Name} {host.Address} running"), "ProvisionSandbox only reported the sandbox");
            Assert.That(output, Does.Contain("RemoveDefaultSite: web1 would change: absent /etc/nginx/sites-enabled/default"));
            Assert.That(output, Does.Match(@"web1\s+: ok=\d+\s+changed=1\s+failed=0"));
            Assert.That(output, Does.Contain("check mode"));
            Assert.That(await Run(executor, host, State), Is.EqualTo(before), "nothing changed on the host");
            Assert.That(File.ReadAllText(report), Does.Contain("/etc/nginx/sites-enabled/default"));
        }
        finally
        {
            File.Delete(report);
            await Run(executor, host, "rm -f /etc/nginx/sites-enabled/default");
        }
    }

    [Test, Order(10)]
    public async Task Deploy_under_check_reports_and_says_what_it_would_do_and_deploys_nothing()
    {
        var options = Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, s => s);
        const string State = "ls -la --time-style=full-iso /srv/www /etc/nginx/sites-enabled /etc/systemd/system | sha256sum";
        var before = await Run(executor, _hosts[0], State);

        var (exitCode, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, "--target=Deploy", "--check");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("UploadCode does not run under --check; it would:").And.Contain("SetupDatabase does not run under --check; it would:"));
        Assert.That(output, Does.Match(@"web1\s+: ok=\d+\s+changed=0\s+failed=0"));
        Assert.That(await Run(executor, _hosts[0], State), Is.EqualTo(before), "no release, no site, no unit");
    }
}
