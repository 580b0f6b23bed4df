using System.Globalization;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Release;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.HostState;

/// <summary>
/// Least privilege on a web host deployed by the real Deploy target (sandbox booted fresh): what
/// www-data (nginx's workers) and the site's user can and cannot do, the gunicorn unit's hardening,
/// sshd, the conversion of a host left by the earlier layout, reboots only when asked and under the
/// lock, no configuration while another run holds the lock, and a deploy as a non-root login with sudo.
/// </summary>
public sealed class LeastPrivilegeSandboxTests : SandboxFixture
{
    private ReleasePaths _paths = null!;
    private SshConnectionPool _pool = null!;
    private SshExecutor _executor = null!;
    private SshTarget _host = null!;

    protected override bool FreshHosts => true;

    private string StateDirectory => Sandbox.Layout.StateDirectory;

    [OneTimeSetUp]
    public void Connect()
    {
        _paths = new ReleasePaths(Settings.Site.Root, Settings.Site.Name);
        var options = new SshOptions("root", Path.Combine(StateDirectory, "id_ed25519"), null, Path.Combine(StateDirectory, "known_hosts"), false,
            TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300));
        _pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        _executor = new SshExecutor(_pool, s => s);
        _host = new SandboxHostInventory(Settings).WebHosts()[0];
    }

    [OneTimeTearDown]
    public async Task Close()
    {
        await _pool.DisposeAsync();
    }

    private static (int ExitCode, string Output) Suite(params string[] args) => SuiteRun.Run(SandboxHosts.RepositoryRoot, args);

    private async Task<string> Root(string script) => (await _executor.RunAsync(_host, new RemoteCommand(script, script))).Stdout.Trim();

    /// <summary>Runs <paramref name="script"/> as <paramref name="user"/> on web1; its exit code and output.</summary>
    private async Task<(int Code, string Output)> As(string user, string script)
    {
        var output = await Root($"if out=$(runuser -u {user} -- sh -c {Shell.Quote(script)} 2>&1); then echo \"0 $out\"; else echo \"$? $out\"; fi");
        var space = output.IndexOf(' ', StringComparison.Ordinal);
        return (int.Parse(space < 0 ? output : output[..space], CultureInfo.InvariantCulture), space < 0 ? "" : output[(space + 1)..]);
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{Settings.Site.Domain}{path}");
        return await Https.SendAsync(request);
    }

    private async Task<string> ServingAsync()
    {
        using var answer = await GetAsync("/health/");
        var body = (await answer.Content.ReadAsStringAsync()).Trim();
        Assert.That((int)answer.StatusCode, Is.EqualTo(200), body);
        return body;
    }

    private void Deployed(int code, string output)
    {
        Assert.That(code, Is.Zero, output);
        Assert.That(Release.SampleSiteCopy.Served(output), Is.Not.Empty);
    }

    [Test, Order(1)]
    public async Task A_deployed_host_keeps_www_data_and_the_site_user_away_from_code_root_runs_and_secrets()
    {
        var (code, output) = Suite("--target=Deploy");
        Deployed(code, output);
        await ServingAsync();
        var site = _paths.Site;
        var release = _paths.Current;

        Assert.That(await Root($"stat -c '%U:%G %a %n' {Settings.Site.Root} {site} {_paths.Shared} {_paths.EnvironmentFile} {_paths.State}"), Is.EqualTo(
            $"root:root 755 {Settings.Site.Root}\nroot:root 755 {site}\nroot:root 755 {_paths.Shared}\nroot:coralnet 640 {_paths.EnvironmentFile}\ncoralnet:coralnet 700 {_paths.State}"));
        Assert.That(await Root($"find {site} -path {_paths.EnvironmentFile} -prune -o -path {_paths.State} -prune -o ! -type l \\( ! -user root -o -perm /022 \\) -print"), Is.Empty,
            "every release, venv and static file is root's and writable by root only");
        Assert.That(await Root("id -nG coralnet; getent passwd coralnet | cut -d: -f7; ps -eo user:32=,args= | grep '[g]unicorn' | cut -d' ' -f1 | sort -u"), Does.StartWith("coralnet\n/usr/sbin/nologin\n").And.Not.Contain("www-data"));

        foreach (var attempt in new[]
        {
            $"mv {site} {site}.moved",
            $"mkdir {Settings.Site.Root}/planted",
            $"echo 'DATABASE_NAME=evil' > {_paths.EnvironmentFile}",
            $"mv {_paths.Shared} {_paths.Shared}.moved",
            $"touch {release}/project/planted.py",
            $"echo '# planted' >> {release}/project/manage.py",
            $"cat {_paths.EnvironmentFile}",
            $"ln -sfn /tmp {release}/venv",
        })
        {
            Assert.That((await As("www-data", attempt)).Code, Is.Not.Zero, "as www-data: " + attempt);
        }

        foreach (var attempt in new[] { $"touch {release}/project/planted.py", $"echo '# planted' >> {release}/project/manage.py", $"touch {release}/venv/planted", $"touch {release}/static/planted", $"mv {site} {site}.moved" })
        {
            Assert.That((await As("coralnet", attempt)).Code, Is.Not.Zero, "as the site's user: " + attempt);
        }

        Assert.That((await As("coralnet", $"cat {_paths.EnvironmentFile}")).Output, Does.Contain("SECRET_KEY="), "the site's user reads its environment");
    }

    [Test, Order(2)]
    public async Task The_gunicorn_unit_is_hardened_to_an_exposure_of_3_or_less()
    {
        var serving = await Root($"cat {_paths.Slots}/serving");
        var report = await Root($"systemd-analyze security --no-pager {_paths.GunicornUnit(int.Parse(serving, CultureInfo.InvariantCulture))}.service");
        TestContext.Out.WriteLine(report);

        var exposure = Regex.Match(report, @"Overall exposure level for \S+: (\d+\.\d+)");
        Assert.That(exposure.Success, Is.True, report);
        Assert.That(double.Parse(exposure.Groups[1].Value, CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(3.0), report);
    }

    [Test, Order(3)]
    public async Task Sshd_refuses_passwords_and_nginx_hides_its_version_and_sends_the_security_headers()
    {
        Assert.That(await Root("sshd -T | grep -E '^(passwordauthentication|kbdinteractiveauthentication|permitrootlogin) ' | sort"),
            Does.Match("^kbdinteractiveauthentication no\npasswordauthentication no\npermitrootlogin (without|prohibit)-password$"));
        var (code, _, errors) = TempDirectory.RunSh(
            $"ssh -o BatchMode=yes -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive -o UserKnownHostsFile={Path.Combine(StateDirectory, "known_hosts")} "
            + $"-o StrictHostKeyChecking=yes -o ConnectTimeout=10 root@{Web.Address} true");
        Assert.That(code, Is.Not.Zero);
        Assert.That(errors, Does.Contain("Permission denied (publickey)"), "the server offers no password or keyboard-interactive login");
        Assert.That(await Root("cat /etc/apt/apt.conf.d/52coralnet-unattended-upgrades; dpkg-query -W -f='${db:Status-Abbrev}' unattended-upgrades; apt-config dump | grep -i 'Automatic-Reboot '"),
            Does.Contain("Unattended-Upgrade::Automatic-Reboot \"false\";").And.Contain("ii").And.EndWith("Unattended-Upgrade::Automatic-Reboot \"false\";"));

        foreach (var path in new[] { "/", "/static/status/site.css", "/no-such-page/" })
        {
            using var answer = await GetAsync(path);
            Assert.That(answer.Headers.Server.ToString(), Is.EqualTo("nginx"), path);
            Assert.That(answer.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), path);
            Assert.That(answer.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "same-origin" }), path);
            Assert.That(answer.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "SAMEORIGIN" }), path);
        }
    }

    [Test, Order(4)]
    public async Task A_host_left_by_the_earlier_layout_is_converted_by_the_next_deploy_which_serves_and_a_planted_env_is_never_read()
    {
        var site = _paths.Site;
        // The earlier layout: /srv/www root:www-data 2775 (people's g+ws), gunicorn as www-data, the
        // env file 0640 root:www-data; and what www-data could then do: plant an env file that root sourced.
        await Root($"""
            chown -R root:www-data {Settings.Site.Root}
            chmod 2775 {Settings.Site.Root} {site} {_paths.Shared} {_paths.Releases}
            find {_paths.Releases} -type f -print0 | xargs -0 chmod g+w
            chown root:www-data {_paths.EnvironmentFile}
            printf 'DATABASE_NAME=planted\ntouch /run/planted-env-was-sourced\n' > {_paths.Shared}/env.planted
            chown www-data {_paths.Shared}/env.planted
            runuser -u www-data -- mv -f {_paths.Shared}/env.planted {_paths.EnvironmentFile}
            """);
        Assert.That(await Root($"stat -c %U {_paths.EnvironmentFile}"), Is.EqualTo("www-data"), "the earlier layout let www-data replace the env file");

        var (code, output) = Suite("--target=Deploy");

        Deployed(code, output);
        Assert.That(await ServingAsync(), Is.EqualTo(Release.SampleSiteCopy.Served(output)));
        Assert.That(await Root("test -e /run/planted-env-was-sourced && echo sourced || echo never"), Is.EqualTo("never"));
        Assert.That(await Root($"stat -c '%U:%G %a' {Settings.Site.Root} {site} {_paths.EnvironmentFile}"), Is.EqualTo("root:root 755\nroot:root 755\nroot:coralnet 640"));
        Assert.That(await Root($"find {site} -path {_paths.EnvironmentFile} -prune -o -path {_paths.State} -prune -o ! -type l \\( ! -user root -o ! -group root -o -perm /6022 \\) -print"), Is.Empty);
        var (again, recap) = Suite("--target=ConfigureHost");
        Assert.That(again, Is.Zero, recap);
        Assert.That(recap, Does.Match(@"web1\s+: ok=\d+\s+changed=0\s+failed=0"), "converted once: a second run changes nothing");
    }

    [Test, Order(5)]
    public async Task A_pending_reboot_is_only_reported_without_allow_reboot_and_made_under_the_lock_with_it()
    {
        await Root("touch /run/coralnet-before-reboot /var/run/reboot-required");

        var (code, output) = Suite("--target=Deploy");

        Deployed(code, output);
        Assert.That(output, Does.Contain("web1: a reboot is pending").And.Contain("--allow-reboot"));
        Assert.That(await Root("test -e /run/coralnet-before-reboot && echo still-there || echo rebooted"), Is.EqualTo("still-there"));

        // The setting allows it, but a host step run on its own holds no lock: no reboot.
        (code, output) = Suite("--target=UpgradePackages", "--exclusive", "--host_allowreboot=true");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("A reboot is allowed only under the deploy lock").And.Contain("web1: a reboot is pending"));
        Assert.That(await Root("test -e /run/coralnet-before-reboot && echo still-there || echo rebooted"), Is.EqualTo("still-there"));

        (code, output) = Suite("--target=Deploy", "--allow-reboot", "--verbosity=verbose");

        Deployed(code, output);
        Assert.That(await Root("test -e /run/coralnet-before-reboot && echo still-there || echo rebooted"), Is.EqualTo("rebooted"));
        var locked = output.IndexOf("take deploy lock and list releases, inspect", StringComparison.Ordinal);
        var rebooted = output.IndexOf("web1: changing reboot if required", StringComparison.Ordinal);
        // Released alone ("release deploy lock"), or with the run's last commands ("finish the run").
        var unlocked = Math.Max(output.IndexOf("release deploy lock", StringComparison.Ordinal), output.IndexOf("finish the run", StringComparison.Ordinal));
        Assert.That(locked, Is.GreaterThanOrEqualTo(0), output);
        Assert.That(rebooted, Is.GreaterThan(locked), "the reboot comes after the lock is taken");
        Assert.That(unlocked, Is.GreaterThan(rebooted), "and before it is released");
        Assert.That(output, Does.Not.Contain("a reboot is pending"));
        await ServingAsync();
    }

    [Test, Order(6)]
    public async Task A_deploy_started_while_another_holds_the_lock_never_configures_the_host()
    {
        var commands = new ReleaseCommands(_paths);
        await Root("rm -f /etc/apt/apt.conf.d/52coralnet-unattended-upgrades");
        await _executor.RunAsync(_host, commands.Locks.Lock(new DeployLockHolder("someone-else", "elsewhere", 4242, DateTimeOffset.UtcNow, "20260101T000000Z-00000000"), 0));
        try
        {
            var (code, output) = Suite("--target=Deploy");

            Assert.That(code, Is.Not.Zero);
            Assert.That(output, Does.Contain("another deploy holds the lock").And.Contain("user=someone-else").And.Not.Contain("changing"));
            Assert.That(await Root("test -e /etc/apt/apt.conf.d/52coralnet-unattended-upgrades && echo configured || echo untouched"), Is.EqualTo("untouched"));
        }
        finally
        {
            var (code, output) = Suite("--target=Unlock");
            Assert.That(code, Is.Zero, output);
        }
    }

    [Test, Order(7)]
    public async Task A_non_root_login_with_passwordless_sudo_deploys_as_on_aws_even_3000_changed_files()
    {
        var key = File.ReadAllText(Path.Combine(StateDirectory, "id_ed25519.pub")).Trim();
        await Root($"""
            id deployer >/dev/null 2>&1 || adduser --disabled-password --gecos '' deployer >/dev/null
            install -d -o deployer -g deployer -m 0700 /home/deployer/.ssh
            printf '%s\n' {Shell.Quote(key)} > /home/deployer/.ssh/authorized_keys
            chown deployer:deployer /home/deployer/.ssh/authorized_keys
            echo 'deployer ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/deployer
            chmod 0440 /etc/sudoers.d/deployer
            """);
        var site = Directory.CreateTempSubdirectory("least-privilege-site-").FullName;
        try
        {
            TempDirectory.RunSh($"cp -a {Shell.Quote(Path.Combine(SandboxHosts.RepositoryRoot, "samples/site"))}/. {Shell.Quote(site)}/");
            // Long paths: 3,000 of them make the upload script far longer than one argument may be (128 KiB), through sudo.
            var padding = Enumerable.Range(0, 3000)
                .Select(i => Path.Combine(site, "project", $"padding-folder-with-a-long-name-{i / 100:D2}", $"padding-file-with-a-rather-long-name-{i:D4}.txt")).ToList();
            void Write(string content)
            {
                foreach (var file in padding)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllText(file, content + file + "\n");
                }
            }

            Write("first ");
            var (code, output) = Suite("--target=Deploy", "--ssh_user=deployer", "--site_source=" + site);
            Deployed(code, output);
            Assert.That(await ServingAsync(), Is.EqualTo(Release.SampleSiteCopy.Served(output)));

            Write("changed ");
            (code, output) = Suite("--target=Deploy", "--ssh_user=deployer", "--site_source=" + site);

            Deployed(code, output);
            Assert.That(output, Does.Contain("3000 file(s) sent"));
            Assert.That(await ServingAsync(), Is.EqualTo(Release.SampleSiteCopy.Served(output)));
            Assert.That(await Root($"cat {_paths.Current}/project/padding-folder-with-a-long-name-29/padding-file-with-a-rather-long-name-2999.txt"), Does.StartWith("changed "));
        }
        finally
        {
            Directory.Delete(site, recursive: true);
        }
    }
}
