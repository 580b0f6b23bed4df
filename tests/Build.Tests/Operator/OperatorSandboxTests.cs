using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Operator;

/// <summary>
/// The operator's everyday targets on two sandbox web hosts, sharing one deploy of a copy of the
/// sample kept in a git repository of its own (<see cref="OperatorSite"/>).
/// </summary>
[Category("Integration")]
[NonParallelizable]
public sealed class OperatorSandboxTests
{
    private static readonly Dictionary<string, string?> GitLabJob = new() { ["GITLAB_CI"] = "true", ["CI_PROJECT_PATH"] = "coralnet/site", ["CI_JOB_ID"] = "4242", ["GITLAB_USER_LOGIN"] = "maintainer" };
    private OperatorSite _site = null!;
    private string _firstRelease = null!;
    private string _firstCommit = null!;
    private DateTimeOffset _firstDeployStarted;

    [OneTimeSetUp]
    public void DeployOnce()
    {
        _site = new OperatorSite();
        _firstCommit = _site.Commit("the sample");
        _firstDeployStarted = DateTimeOffset.UtcNow;
        var (code, output) = _site.Suite("--target=Deploy");
        Assert.That(code, Is.Zero, output);
        _firstRelease = Last(output, @"Release (\d{8}T\d{6}Z-[0-9a-f]{8}) serves at");
    }

    [OneTimeTearDown]
    public void RemoveSite() => _site.Dispose();

    [Test, Order(1)]
    public void The_release_records_its_commit_and_the_hooks_ran_with_their_variables()
    {
        var pre = _site.HookVariables("pre-deploy");
        var post = _site.HookVariables("post-deploy");
        foreach (var variables in new[] { pre, post })
        {
            Assert.That(variables, Does.Contain($"CORALNET_RELEASE={_firstRelease}\n").And.Contain($"CORALNET_COMMIT={_firstCommit}\n")
                .And.Contain("CORALNET_HOSTS=web1,web2\n").And.Contain("CORALNET_ENVIRONMENT=sandbox\n").And.Contain("CORALNET_TARGET=Deploy\n"));
        }

        Assert.That(post, Does.Contain("CORALNET_OUTCOME=succeeded\n"));
        Assert.That(pre, Does.Contain("CORALNET_OUTCOME=\n"), "before the deploy there is no outcome yet");
    }

    [Test, Order(2)]
    public void Status_as_JSON_holds_every_field_for_each_host_and_hosts_limits_it()
    {
        var hosts = StatusHosts();

        Assert.That(hosts.Select(h => (string)h!["host"]!), Is.EqualTo(new[] { "web1", "web2" }));
        foreach (var host in hosts)
        {
            Assert.That((string?)host!["release"], Is.EqualTo(_firstRelease));
            Assert.That((string?)host["commit"], Is.EqualTo(_firstCommit));
            Assert.That((bool?)host["dirty"], Is.False);
            var gunicorn = host["gunicorn"]!.AsArray();
            Assert.That(gunicorn, Has.Count.EqualTo(2));
            Assert.That(gunicorn.Where(g => (bool)g!["serving"]!).Select(g => ((string?)g!["state"], (string?)g["release"])), Is.EqualTo(new[] { ("active", _firstRelease) }));
            Assert.That(host["lock"], Is.Null);
            var last = host["lastDeploy"]!;
            Assert.That(((string?)last["target"], (string?)last["outcome"], (string?)last["who"]), Is.EqualTo(("Deploy", "succeeded", RunIdentity.Who(Environment.GetEnvironmentVariable))));
            Assert.That(DateTimeOffset.Parse((string)last["time"]!, CultureInfo.InvariantCulture), Is.EqualTo(_firstDeployStarted).Within(TimeSpan.FromSeconds(30)));
            Assert.That((long)host["disk"]!["freeBytes"]!, Is.GreaterThan(0));
            Assert.That(host["rebootPending"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.False).Or.EqualTo(System.Text.Json.JsonValueKind.True));
            Assert.That((bool?)host["maintenance"], Is.False);
            Assert.That((int)host["answer"]!["status"]!, Is.EqualTo(200));
            Assert.That((string?)host["answer"]!["body"], Is.EqualTo(_firstRelease));
        }

        Assert.That(StatusHosts("--hosts=web2").Select(h => (string)h!["host"]!), Is.EqualTo(new[] { "web2" }));
    }

    [Test, Order(3)]
    public async Task A_request_appears_in_Logs_and_follow_shows_a_new_one_within_2_s_then_stops_on_Ctrl_C()
    {
        var marker = "logs-" + Guid.NewGuid().ToString("N")[..8];
        await _site.GetAsync("web1", $"/?{marker}");

        var (code, output) = _site.Suite("--target=Logs", "--lines=50", $"--grep={marker}", "--hosts=web1");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Match($@"web1: nginx access: .*GET /\?{marker}").And.Match($@"web1: gunicorn: .*GET /\?{marker}"));
        Assert.That(output, Does.Not.Contain("web2:"), "--hosts=web1");

        (code, output) = _site.Suite("--target=Logs", "--lines=50", $"--grep={marker}", "--hosts=web1", "--since=tomorrow");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Match($@"web1: nginx access: .*{marker}").And.Not.Match($@"web1: gunicorn: .*{marker}"), "--since filters the journal");

        (code, output) = _site.Suite("--target=Logs", "--lines=1");
        Assert.That(code, Is.Zero, output);
        foreach (var source in new[] { "web1: gunicorn:", "web1: nginx access:", "web2: gunicorn:", "web2: nginx access:" })
        {
            Assert.That(output.Split('\n').Count(line => line.Contains(source, StringComparison.Ordinal)), Is.EqualTo(1), $"--lines=1 of {source}\n{output}");
        }

        using var follow = _site.StartProgram("--target=Logs", "--follow", "--lines=1", "--hosts=web1");
        var lines = new BlockingCollection<string>();
        follow.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        follow.BeginOutputReadLine();
        follow.BeginErrorReadLine();
        Assert.That(WaitForLine(lines, "web1: nginx access:", TimeSpan.FromSeconds(60)), Is.Not.Null, "the follow started with the last line");
        var second = "follow-" + Guid.NewGuid().ToString("N")[..8];
        await _site.GetAsync("web1", $"/?{second}");
        var clock = Stopwatch.StartNew();
        var followed = WaitForLine(lines, second, TimeSpan.FromSeconds(10));
        TestContext.Out.WriteLine($"Logs --follow: the request was printed {clock.ElapsedMilliseconds} ms after it was answered");
        Assert.That(followed, Is.Not.Null, "the new request is followed");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "within 2 s");

        Process.Start("kill", ["-INT", follow.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.That(follow.WaitForExit(TimeSpan.FromSeconds(20)), Is.True, "Ctrl-C stops the follow");
        Assert.That(follow.ExitCode, Is.Zero);
        var (_, processes) = _site.Suite("--target=Manage", "--hosts=web1", "--command=shell -c \"import subprocess; print('followers', subprocess.run(['pgrep', '-c', '-f', 'journalctl -[u]|tail -[n]'], capture_output=True, text=True).stdout.strip())\"");
        Assert.That(processes, Does.Contain("followers 0"), "nothing of the follow keeps running on the host");
    }

    [Test, Order(4)]
    public void Manage_creates_a_superuser_as_the_sites_user_with_its_environment_and_passes_a_failing_exit_code_through()
    {
        var (code, output) = _site.Suite("--target=Manage", "--command=createsuperuser --noinput --username=operator --email=operator@example.org");
        Assert.That(code, Is.Zero, output);

        (code, output) = _site.Suite("--target=Manage", "--hosts=web2", "--command=shell -c \"import os, pwd; from django.contrib.auth.models import User; print('superusers', User.objects.filter(username='operator', is_superuser=True).count(), 'as', pwd.getpwuid(os.getuid()).pw_name, 'with DATABASE_NAME', 'DATABASE_NAME' in os.environ)\"");
        Assert.That(code, Is.Zero, output);
        var siteUser = new ReleasePaths(_site.Settings.Site.Root, _site.Settings.Site.Name).SiteUser;
        Assert.That(output, Does.Contain($"superusers 1 as {siteUser} with DATABASE_NAME True"), "the database the site's environment names, read as the site's user on web2");

        (code, output) = _site.Suite("--target=Manage", "--command=shell -c 'import sys; sys.exit(3)'");
        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain("exit code 3"));

        (code, output) = _site.OnTerminal("--target=Manage", "--command=shell -c 'import sys; print(\"on a terminal:\", sys.stdin.isatty()); sys.exit(5)'");
        Assert.That(output, Does.Contain("on a terminal: True"), "a terminal here gives manage.py one on the host");
        Assert.That(code, Is.EqualTo(5), output);
    }

    [Test, Order(5)]
    public void Shell_without_a_terminal_prints_the_ssh_command_line_that_reaches_the_host()
    {
        var result = _site.Program("--target=Shell", "--hosts=web2");
        Assert.That(result.ExitCode, Is.Zero, result.Err);
        var ssh = result.Out.Split('\n').Single(line => line.StartsWith("ssh ", StringComparison.Ordinal));
        Assert.That(ssh, Does.Contain("StrictHostKeyChecking=yes").And.Contain("UserKnownHostsFile="));

        using var run = Process.Start(new ProcessStartInfo("sh", ["-c", ssh + " hostname -I"]) { WorkingDirectory = Sandbox.SandboxHosts.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true })!;
        run.StandardInput.Close();
        var answer = run.StandardOutput.ReadToEnd();
        run.WaitForExit();
        Assert.That(run.ExitCode, Is.Zero, run.StandardError.ReadToEnd());
        Assert.That(answer.Split(' ', StringSplitOptions.TrimEntries), Does.Contain(_site.Address("web2")));
    }

    [Test, Order(6)]
    public void A_Lock_with_a_message_from_a_CI_job_refuses_a_Deploy_naming_it_until_Unlock()
    {
        var locked = _site.Program(GitLabJob, "--target=Lock", "--message=database upgrade until 14:00");
        Assert.That(locked.ExitCode, Is.Zero, locked.Err);
        var status = _site.Program("--target=LockStatus", "--format=json");
        Assert.That(status.Out, Does.Contain("message=database upgrade until 14:00"), status.Err);
        Assert.That(StatusHosts().Select(h => (string?)h!["lock"]), Has.All.Contains("message=database upgrade until 14:00"));

        var (code, output) = _site.Suite("--target=Deploy");
        Assert.That(code, Is.Not.Zero);
        Assert.That(output, Does.Contain("database upgrade until 14:00"));

        (code, output) = _site.Suite("--target=Unlock");
        Assert.That(code, Is.Zero, output);
        Assert.That(StatusHosts().Select(h => h!["lock"]), Is.All.Null);
    }

    [Test, Order(7)]
    public void The_maintenance_switch_shows_in_Status()
    {
        var (code, output) = _site.Suite("--target=MaintenanceOn");
        Assert.That(code, Is.Zero, output);
        Assert.That(StatusHosts().Select(h => ((bool)h!["maintenance"]!, (int)h["answer"]!["status"]!)), Is.All.EqualTo((true, 503)));

        (code, output) = _site.Suite("--target=MaintenanceOff");
        Assert.That(code, Is.Zero, output);
        Assert.That(StatusHosts().Select(h => ((bool)h!["maintenance"]!, (int)h["answer"]!["status"]!)), Is.All.EqualTo((false, 200)));
    }

    [Test, Order(8)]
    public async Task A_failing_pre_deploy_hook_stops_before_the_lock()
    {
        _site.WriteHook("pre-deploy", "echo 'tests are red' >&2; exit 4");
        try
        {
            var (code, output) = _site.Suite("--target=Deploy", "--verbosity=verbose");

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("pre-deploy: tests are red").And.Contain("stopped before taking the lock"));
            Assert.That(output, Does.Not.Contain("take deploy lock"));
            Assert.That(await _site.GetAsync("web1", "/health/"), Is.EqualTo(_firstRelease));
            Assert.That(_site.Program("--target=LockStatus", "--format=json").Out, Does.Not.Contain("who="), "no lock was left");
        }
        finally
        {
            _site.RecordingHook("pre-deploy");
        }
    }

    [Test, Order(9)]
    public async Task Rollback_by_commit_prefix_reported_and_the_audit_of_both_hosts_merged_by_time()
    {
        File.AppendAllText(Path.Combine(_site.Folder, "project/status/views.py"), "# the second commit\n");
        _site.Commit("second");
        var (code, output) = _site.Suite("--target=Deploy");
        Assert.That(code, Is.Zero, output);

        var reportFile = Path.Combine(Path.GetTempPath(), $"rollback-report-{Guid.NewGuid():N}.json");
        (code, output) = _site.Suite("--target=Rollback", "--release=" + _firstCommit[..8], "--report=" + reportFile);
        Assert.That(code, Is.Zero, output);
        Assert.That(await _site.GetAsync("web2", "/health/"), Is.EqualTo(_firstRelease));
        Assert.That(_site.HookVariables("post-rollback"), Does.Contain($"CORALNET_RELEASE={_firstRelease}\n").And.Contain("CORALNET_OUTCOME=succeeded\n"));
        var report = JsonNode.Parse(File.ReadAllText(reportFile))!;
        File.Delete(reportFile);
        Assert.That(((string?)report["target"], (string?)report["release"], (string?)report["commit"], (string?)report["outcome"]), Is.EqualTo(("Rollback", _firstRelease, _firstCommit, "succeeded")));
        Assert.That(report["hosts"]!.AsArray().Select(h => ((string?)h!["host"], (int)h["changed"]! > 0)), Is.EqualTo(new[] { ("web1", true), ("web2", true) }));
        Assert.That(report["items"]!.AsArray().Where(i => (string?)i!["status"] == "changed").Select(i => (double)i!["durationMs"]!), Is.Not.Empty.And.All.GreaterThanOrEqualTo(0));
        Assert.That(report["steps"]!.AsArray().Select(s => (string?)s!["task"]), Does.Contain("Rollback"));

        var audit = _site.Program("--target=Audit", "--lines=40", "--format=json");
        Assert.That(audit.ExitCode, Is.Zero, audit.Err);
        TestContext.Out.WriteLine(audit.Out);
        var entries = JsonNode.Parse(audit.Out)!.AsArray();
        Assert.That(entries.Select(e => (string)e!["time"]!).ToList(), Is.Ordered, "merged by time");
        foreach (var host in new[] { "web1", "web2" })
        {
            var targets = entries.Where(e => (string?)e!["host"] == host).Select(e => (string)e!["target"]!).ToList();
            Assert.That(targets, Is.SupersetOf(RunAudit.AuditedTargets), host);
        }

        var rollback = entries.Last(e => (string?)e!["target"] == "Rollback")!;
        Assert.That(((string?)rollback["release"], (string?)rollback["commit"], (string?)rollback["outcome"]), Is.EqualTo((_firstRelease, _firstCommit, "succeeded")));
        Assert.That(entries.Where(e => (string?)e!["target"] == "Lock").Select(e => (string?)e!["who"]), Is.All.EqualTo("gitlab-ci:coralnet/site job 4242 by maintainer"), "the CI job, from its variables");
        foreach (var secret in new[] { _site.Settings.Site.SecretKey, _site.Settings.Database.Password, _site.Settings.Database.MasterPassword })
        {
            Assert.That(audit.Out, Does.Not.Contain(_site.Secrets.Get(secret).Reveal()));
        }
    }

    private JsonArray StatusHosts(params string[] args)
    {
        var result = _site.Program(["--target=Status", "--format=json", .. args]);
        Assert.That(result.ExitCode, Is.Zero, result.Err);
        TestContext.Out.WriteLine(result.Out);
        return JsonNode.Parse(result.Out)!["hosts"]!.AsArray();
    }

    private static string? WaitForLine(BlockingCollection<string> lines, string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (lines.TryTake(out var line, TimeSpan.FromMilliseconds(100)) && line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    private static string Last(string text, string pattern) =>
        System.Text.RegularExpressions.Regex.Matches(text, pattern).Select(m => m.Groups[1].Value).Last();
}
