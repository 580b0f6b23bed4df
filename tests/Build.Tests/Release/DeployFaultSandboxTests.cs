using System.Diagnostics;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Deploys that meet faults, on the shared sandbox hosts, with the suite run as its own process (./build.sh)
/// so that it can be signalled, killed, or lose its SSH session: a request loop through nginx runs over
/// each one and sees no failed request; afterwards the site serves the old release or the new one
/// completely, and the next deploy succeeds. The tests share one site and go in order.
/// </summary>
public sealed class DeployFaultSandboxTests : SandboxFixture
{
    /// <summary>The hosts the class before kept up: the first test removes the site from web1 itself.</summary>
    protected override bool FreshHosts => false;

    protected override string SiteCopyPrefix => "fault-site-";

    private string SiteRoot => $"{Settings.Site.Root.TrimEnd('/')}/{Settings.Site.Name}";

    [Test, Order(1)]
    public async Task A_failed_first_deploy_leaves_no_current_and_the_next_deploy_works()
    {
        // A first deploy: the site as no deploy left it.
        Host($"systemctl stop '{Settings.Site.Name}-gunicorn@*.service' || true; rm -rf {SiteRoot} /etc/nginx/sites-enabled/{Settings.Site.Name} /etc/nginx/sites-available/{Settings.Site.Name}; systemctl reload nginx");
        var views = Path.Combine(Site, "project/status/views.py");
        var good = File.ReadAllText(views);
        // Right on its own gunicorn instance, wrong behind nginx: it fails the health check through nginx, after the switch.
        File.WriteAllText(views, good.Replace("    answers = database_answers()", "    if 'HTTP_X_FORWARDED_FOR' in request.META:\n        return HttpResponse('behind a proxy', status=503)\n    answers = database_answers()", StringComparison.Ordinal));
        try
        {
            var (code, output) = Suite("--target=Deploy", "--timeouts_healthcheckseconds=3");

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("failed its health check through nginx"));
            Assert.That(Host($"test -e {SiteRoot}/current && echo dangling || echo none"), Is.EqualTo("none"), "no current naming a deleted release");
            Assert.That(Host($"ls {SiteRoot}/releases"), Is.Empty, "the failed release is deleted");
            Assert.That(Host($"test -d {SiteRoot}/deploy.lock && echo held || echo free"), Is.EqualTo("free"));
        }
        finally
        {
            File.WriteAllText(views, good);
        }

        var (again, log) = Suite("--target=Deploy");
        Assert.That(again, Is.Zero, log);
        Assert.That(await ServingAsync(), Is.EqualTo(SampleSiteCopy.Served(log)));
    }

    [Test, Order(2)]
    public async Task Three_deploys_of_the_same_files_make_one_release_and_the_last_two_change_nothing()
    {
        Touch("# change for the same-content test");
        var (code, output) = Suite("--target=Deploy");
        Assert.That(code, Is.Zero, output);
        var id = SampleSiteCopy.Served(output);
        var started = Host(ServingUnitStart());

        foreach (var run in new[] { 2, 3 })
        {
            var (again, log) = await WithRequestLoopAsync(() => Suite("--target=Deploy"));
            Assert.That(again, Is.Zero, log);
            Assert.That(log, Does.Contain($"Release {id} is up to date on every host: nothing to deploy"), $"deploy {run}");
            Assert.That(log, Does.Match(@"web1 +: ok=\d+ +changed=0 +failed=0"), $"deploy {run} changed nothing");
        }

        Assert.That(Releases().Count(r => r.EndsWith(id[^8..], StringComparison.Ordinal)), Is.EqualTo(1), "one release of these files");
        Assert.That(Host(ServingUnitStart()), Is.EqualTo(started), "gunicorn was not restarted");
        Assert.That(await ServingAsync(), Is.EqualTo(id));

        var (forced, forcedLog) = await WithRequestLoopAsync(() => Suite("--target=Deploy", "--force"));
        Assert.That(forced, Is.Zero, forcedLog);
        Assert.That(forcedLog, Does.Contain($"Release {id} serves these very files on every host: it is deployed again"));
        Assert.That(Host(ServingUnitStart()), Is.Not.EqualTo(started), "--force restarts it, in the other instance");
        Assert.That(Releases().Count(r => r.EndsWith(id[^8..], StringComparison.Ordinal)), Is.EqualTo(1), "still one release of these files");
    }

    [Test, Order(3)]
    public async Task A_release_whose_migration_fails_is_never_a_rollback_target()
    {
        var before = await ServingAsync();
        var migration = Path.Combine(Site, "project/status/migrations/9999_fails.py");
        Directory.CreateDirectory(Path.GetDirectoryName(migration)!);
        File.WriteAllText(migration, "raise RuntimeError('this migration fails on purpose')\n");
        try
        {
            var (code, output) = await WithRequestLoopAsync(() => Suite("--target=Deploy"));

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("this migration fails on purpose"));
            Assert.That(await ServingAsync(), Is.EqualTo(before));
            Assert.That(Releases(), Does.Not.Contain(Packaged(output)), "neither kept nor listed");
        }
        finally
        {
            File.Delete(migration);
        }

        Touch("# after the failed migration");
        var (next, log) = Suite("--target=Deploy");
        Assert.That(next, Is.Zero, log);
        var (rollback, rollbackLog) = await WithRequestLoopAsync(() => Suite("--target=Rollback"));
        Assert.That(rollback, Is.Zero, rollbackLog);
        Assert.That(await ServingAsync(), Is.EqualTo(before), "the rollback target is the release that served before the failed one");
    }

    [Test, Order(4)]
    public Task SIGINT_during_migrate_stops_the_deploy_releases_the_lock_and_exits_130() => InterruptAsync("Migrate");

    [Test, Order(5)]
    public Task SIGINT_during_the_health_check_undoes_the_cutover_releases_the_lock_and_exits_130() => InterruptAsync("HealthCheck");

    private async Task InterruptAsync(string task)
    {
        var before = await ServingAsync();
        Touch($"# change for SIGINT during {task}");
        var views = Path.Combine(Site, "project/status/views.py");
        var good = File.ReadAllText(views);
        if (task == "Migrate")
        {
            // A migration file changed: the suite cannot tell that migrate would do nothing, so it is sent and runs on the host.
            File.AppendAllText(Path.Combine(Site, "project/status/migrations/0001_initial.py"), $"# changed for SIGINT during {task}\n");
        }

        if (task == "HealthCheck")
        {
            // Slow to answer behind nginx: the health check waits, and the signal finds it waiting.
            File.WriteAllText(views, good.Replace("    answers = database_answers()", "    if 'HTTP_X_FORWARDED_FOR' in request.META and not request.GET:\n        import time; time.sleep(0.2)\n    answers = database_answers()", StringComparison.Ordinal));
        }

        try
        {
            var signalled = false;
            var (code, output) = await WithRequestLoopAsync(() => SuiteProcess.Run(SandboxHosts.RepositoryRoot, [.. SuiteArguments("--target=Deploy", "--verbosity=verbose", "--timeouts_healthcheckseconds=20")], (line, process) =>
            {
                if (!signalled && line.Contains($"Executing task: {task}", StringComparison.Ordinal))
                {
                    signalled = true;
                    Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                }
            }));

            Assert.That(signalled, Is.True, output);
            Assert.That(code, Is.EqualTo(130), output);
            Assert.That(output, Does.Contain("SIGINT: stopping at the next safe point"));
            Assert.That(await ServingAsync(), Is.EqualTo(before).Or.EqualTo(Packaged(output)), "the old release or the new one");
            Assert.That(Host($"test -d {SiteRoot}/deploy.lock && echo held || echo free"), Is.EqualTo("free"));
        }
        finally
        {
            File.WriteAllText(views, good);
        }

        var (next, log) = Suite("--target=Deploy");
        Assert.That(next, Is.Zero, log);
    }

    [Test, Order(6)]
    public async Task A_deploy_killed_mid_cutover_leaves_a_lock_the_next_deploy_takes_over_with_the_option()
    {
        var before = await ServingAsync();
        Touch("# change for the killed deploy");
        var killed = false;
        var (code, output) = await WithRequestLoopAsync(() => SuiteProcess.Run(SandboxHosts.RepositoryRoot, [.. SuiteArguments("--target=Deploy", "--verbosity=verbose")], (line, process) =>
        {
            // While the standby starts: nginx and current move later, in one round trip (ReloadNginx).
            if (!killed && line.Contains("Executing task: RestartGunicorn", StringComparison.Ordinal))
            {
                killed = true;
                process.Kill();
            }
        }));
        Assert.That(killed, Is.True, output);
        Assert.That(code, Is.EqualTo(137).Or.EqualTo(-1), output);
        Assert.That(await ServingAsync(), Is.EqualTo(before), "nginx never moved");
        Assert.That(Host($"cat {SiteRoot}/deploy.lock/holder"), Does.Contain("host=" + Environment.MachineName), "the lock names the dead run");

        var (refused, refusal) = Suite("--target=Deploy");
        Assert.That(refused, Is.Not.Zero, refusal);
        Assert.That(refusal, Does.Contain("another deploy holds the lock").And.Contain("--take-over-lock"));

        var (next, log) = await WithRequestLoopAsync(() => Suite("--target=Deploy", "--take-over-lock"));
        Assert.That(next, Is.Zero, log);
        Assert.That(log, Does.Contain("took over the deploy lock of a dead run").And.Contain("no longer runs on this machine"));
        Assert.That(await ServingAsync(), Is.EqualTo(SampleSiteCopy.Served(log)));
    }

    [Test, Order(7)]
    public Task A_dropped_SSH_session_during_the_upload_leaves_the_site_serving_and_the_next_deploy_works() => DropSessionAsync("tar -xzf - -C");

    [Test, Order(8)]
    public Task A_dropped_SSH_session_during_the_cutover_leaves_the_site_serving_and_the_next_deploy_works() => DropSessionAsync("/usr/bin/python3 - 800");

    /// <param name="runningOnHost">The start of the command line of the host's process during which the session drops.</param>
    private async Task DropSessionAsync(string runningOnHost)
    {
        var before = await ServingAsync();
        Touch($"# change for the dropped session ({runningOnHost})");
        // Enough incompressible bytes that the upload's tar runs long enough to be caught.
        var padding = Path.Combine(Site, "project/padding.bin");
        File.WriteAllBytes(padding, System.Security.Cryptography.RandomNumberGenerator.GetBytes(runningOnHost.StartsWith("tar", StringComparison.Ordinal) ? 64 << 20 : 16));
        try
        {
            var watcher = Task.Run(() => DropSessionsWhenRunning(runningOnHost));
            var (code, output) = await WithRequestLoopAsync(() => Suite("--target=Deploy"));
            var dropped = await watcher;

            Assert.That(dropped, Is.GreaterThan(0), "the session was dropped while the command ran");
            Assert.That(code, Is.Not.Zero, output);
            Assert.That(await ServingAsync(), Is.EqualTo(before));
            Assert.That(Host($"test -d {SiteRoot}/deploy.lock && echo held || echo free"), Is.EqualTo("free"), output);
            Assert.That(Releases(), Does.Not.Contain(Packaged(output)), "the release that did not serve is gone");
        }
        finally
        {
            File.Delete(padding);
        }

        var (next, log) = Suite("--target=Deploy");
        Assert.That(next, Is.Zero, log);
        Assert.That(await ServingAsync(), Is.EqualTo(SampleSiteCopy.Served(log)));
    }

    [Test, Order(9)]
    public async Task A_release_that_does_not_fit_is_refused_before_the_upload_with_both_numbers()
    {
        var before = await ServingAsync();
        const string small = "/srv/small";
        Host($"mkdir -p {small} && mount -t tmpfs -o size=8m tmpfs {small}");
        try
        {
            var (code, output) = await WithRequestLoopAsync(() => Suite("--target=UploadCode", "--site_root=" + small));

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Match($@"does not fit in {small}: it needs \d+ MiB \(\d+ bytes\), \d+ MiB \(\d+ bytes\) are free"));
            Assert.That(Host($"ls -A {small}/{Settings.Site.Name}/releases 2>/dev/null | wc -l"), Is.EqualTo("0"), "nothing of the release was written");
            Assert.That(Host($"test -d {small}/{Settings.Site.Name}/deploy.lock && echo held || echo free"), Is.EqualTo("free"));
            Assert.That(await ServingAsync(), Is.EqualTo(before), "the site is untouched");
        }
        finally
        {
            Host($"umount {small} && rmdir {small}");
        }
    }

    /// <summary>Waits (up to a minute) for a process of web1 whose command line starts with <paramref name="command"/>, then kills web1's SSH sessions (the suite's connection); returns how many.</summary>
    private int DropSessionsWhenRunning(string command)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            var found = Machine($"for p in $(pgrep -f '^{command}'); do if [ \"$(ip netns identify $p)\" = {Web.Name} ]; then echo $p; fi; done");
            if (found.Length > 0)
            {
                var sessions = Machine($"for p in $(pgrep -f '^sshd: '); do if [ \"$(ip netns identify $p)\" = {Web.Name} ] && ! grep -q '^sshd: /usr/sbin/sshd' /proc/$p/cmdline; then echo $p; fi; done").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                foreach (var session in sessions)
                {
                    Machine($"kill -9 {session}");
                }

                return sessions.Length;
            }

            Thread.Sleep(10);
        }

        return 0;
    }

    private string ServingUnitStart() =>
        $"systemctl show -p ExecMainStartTimestampMonotonic --value {Settings.Site.Name}-gunicorn@$(cat {SiteRoot}/slots/serving).service";

    private (int ExitCode, string Output) Suite(params string[] args) => SuiteProcess.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    private void Touch(string line) => File.AppendAllText(Path.Combine(Site, "project/status/views.py"), line + "\n");

    private List<string> Releases() =>
        [.. Regex.Matches(Suite("--target=Releases").Output, @"\d{8}T\d{6}Z-[0-9a-f]{8}").Select(m => m.Value).Distinct()];

    private static string Packaged(string output) =>
        Regex.Matches(output, @"Release (\d{8}T\d{6}Z-[0-9a-f]{8}): \d+ files").Select(m => m.Groups[1].Value).Last();

    /// <summary>Runs a root command on web1 and returns its output, trimmed.</summary>
    private string Host(string command)
    {
        var result = Sandbox.Ssh(Web, command);
        return result.Output.Trim();
    }

    /// <summary>Runs a command on this machine (the sandbox's processes are visible here).</summary>
    private static string Machine(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    private async Task<string> ServingAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{Settings.Site.Domain}/health/");
        using var answer = await Https.SendAsync(request);
        var body = (await answer.Content.ReadAsStringAsync()).Trim();
        Assert.That((int)answer.StatusCode, Is.EqualTo(200), body);
        return body;
    }

    /// <summary>
    /// Runs <paramref name="run"/> while a loop asks the site through nginx, from before it starts (the loop's
    /// connection made) to after it ends; fails the test on any failed request, or when none was answered during the run.
    /// </summary>
    private async Task<(int ExitCode, string Output)> WithRequestLoopAsync(Func<(int ExitCode, string Output)> run)
    {
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var requests = 0;
        // The loop and the run each on a thread of their own (see DedicatedThread); the loop's requests are synchronous.
        var loop = DedicatedThread.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{Settings.Site.Domain}/?loop");
                    using var answer = Https.Send(request, CancellationToken.None);
                    if ((int)answer.StatusCode != 200)
                    {
                        failures.Add($"{(int)answer.StatusCode}");
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(exception.Message);
                }

                Interlocked.Increment(ref requests);
                Thread.Sleep(20);
            }
        });
        while (Volatile.Read(ref requests) < 2 && !loop.IsCompleted)
        {
            await Task.Delay(10);
        }

        var before = Volatile.Read(ref requests);
        var result = await DedicatedThread.Run(run);
        var during = Volatile.Read(ref requests) - before;
        await stop.CancelAsync();
        await loop;
        Assert.That(during, Is.GreaterThan(0), "the loop ran during the run");
        Assert.That(failures, Is.Empty, result.Output);
        return result;
    }
}
