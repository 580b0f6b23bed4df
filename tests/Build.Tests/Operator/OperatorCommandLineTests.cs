using System.Text.RegularExpressions;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Tests.Aws;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Operator;

public sealed class OperatorCommandLineTests
{
    [TestCase("MaintenanceOn")]
    [TestCase("MaintenanceOff")]
    [TestCase("Rollback")]
    [TestCase("Unlock")]
    [TestCase("Manage")]
    public void A_target_changing_a_serving_site_outside_the_sandbox_is_refused_without_a_terminal_and_without_yes(string target)
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var fake = new FakeAws();
        var (code, output) = SuiteRun.RunWith(services => services.AddSingleton<IAwsConnector>(new RecordingConnector(fake)), repository.Root, $"--target={target}", "--environment=staging");

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"{target} changes the serving site of the environment 'staging' by hand").And.Contain("add --yes"));
        Assert.That(fake.Calls, Is.All.StartWith("ssm:"), "nothing but the settings' secrets was asked for: no host, no AWS resource");
    }

    [Test]
    public void On_a_terminal_the_environments_name_confirms_and_anything_else_refuses()
    {
        var asked = new List<string>();

        Assert.That(() => Confirmation.Require("Rollback", "production", sandbox: false, yes: false, question => { asked.Add(question); return "production\n"; }), Throws.Nothing);
        Assert.That(() => Confirmation.Require("Unlock", "production", sandbox: false, yes: false, _ => "y"), Throws.InvalidOperationException.With.Message.Contains("Not confirmed"));
        Assert.That(() => Confirmation.Require("Manage", "production", sandbox: false, yes: false, _ => null), Throws.InvalidOperationException.With.Message.Contains("Not confirmed"), "end of input");
        Assert.That(asked, Is.EqualTo(new[] { "Rollback changes the serving site of 'production'. Type the environment's name to go on: " }));
        foreach (var (target, sandbox) in new[] { ("Deploy", false), ("Status", false), ("Rollback", true) })
        {
            Confirmation.Require(target, "production", sandbox, yes: false, _ => throw new AssertionException($"{target} (sandbox: {sandbox}) asked"));
        }
    }

    [Test]
    public void Yes_confirms_without_a_terminal()
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var fake = new FakeAws();
        var (_, output) = SuiteRun.RunWith(services => services.AddSingleton<IAwsConnector>(new RecordingConnector(fake)), repository.Root, "--target=MaintenanceOn", "--environment=staging", "--yes");

        Assert.That(output, Does.Not.Contain("no terminal to confirm it on"));
        Assert.That(fake.Calls, Has.Some.Not.StartWith("ssm:"), "the run went past the confirmation, to look for the web hosts");
    }

    /// <summary>--report for a target that reaches no host, and for a run refused before its first task: target, outcome and each task with its duration.</summary>
    [TestCase("Plan", "succeeded")]
    [TestCase("Rollback", "failed")]
    public void Report_is_written_for_any_target_and_outcome(string target, string outcome)
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var file = Path.Combine(repository.Root, "artifacts/report.json");
        var (code, output) = SuiteRun.RunWith(services => services.AddSingleton<IAwsConnector>(new RecordingConnector(new FakeAws())), repository.Root, $"--target={target}", "--environment=staging", "--report=artifacts/report.json");

        Assert.That(code == 0, Is.EqualTo(outcome == "succeeded"), output);
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.That(((string?)report["target"], (string?)report["environment"], (string?)report["outcome"]), Is.EqualTo((target, "staging", outcome)));
        Assert.That((double)report["seconds"]!, Is.GreaterThanOrEqualTo(0));
        var steps = report["steps"]!.AsArray();
        if (outcome == "succeeded")
        {
            Assert.That(steps.Select(s => (string?)s!["task"]), Does.Contain(target));
            Assert.That(steps.Select(s => (string?)s!["outcome"]), Is.All.EqualTo("succeeded").Or.EqualTo("skipped"));
            Assert.That(steps.Sum(s => (double)s!["durationMs"]!), Is.GreaterThan(0));
        }
        else
        {
            Assert.That(steps, Is.Empty, "refused before any task ran");
        }
    }

    [Test]
    public void Who_runs_is_the_CI_job_when_CI_variables_say_so_else_the_local_user_and_machine()
    {
        var github = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_REPOSITORY"] = "coralnet/site", ["GITHUB_RUN_ID"] = "77", ["GITHUB_ACTOR"] = "alice" };
        var gitlab = new Dictionary<string, string> { ["GITLAB_CI"] = "true", ["CI_PROJECT_PATH"] = "coralnet/site", ["CI_JOB_ID"] = "42", ["GITLAB_USER_LOGIN"] = "bob" };

        Assert.That(RunIdentity.Who(github.GetValueOrDefault), Is.EqualTo("github-actions:coralnet/site run 77 by alice"));
        Assert.That(RunIdentity.Who(gitlab.GetValueOrDefault), Is.EqualTo("gitlab-ci:coralnet/site job 42 by bob"));
        Assert.That(RunIdentity.Who(_ => null), Is.EqualTo($"{Environment.UserName}@{Environment.MachineName}"));
    }

    /// <summary>Tls.Mode off outside the sandbox is said on every run, here a target that touches no host.</summary>
    [TestCase("off", true)]
    [TestCase("acme", false)]
    [TestCase("off --aws_loadbalancer=true --aws_webinstances=2 --aws_certificatearn=arn:aws:acm:us-west-2:123456789012:certificate/abc", false)]
    public void Tls_mode_off_outside_the_sandbox_is_warned_of_on_every_run_unless_https_ends_at_a_load_balancer(string mode, bool warned)
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var (code, output) = SuiteRun.RunWith(services => services.AddSingleton<IAwsConnector>(new RecordingConnector(new FakeAws())), repository.Root,
            ["--target=ShowSettings", "--environment=staging", "--tls_email=ops@example.org", .. $"--tls_mode={mode}".Split(' ')]);

        Assert.That(code, Is.Zero, output);
        Assert.That(output.Contains("Tls.Mode is off: coralnet.example.org is served over plain http", StringComparison.Ordinal), Is.EqualTo(warned), output);
    }

    /// <summary>
    /// Every ./build.sh line of the CI examples names a target and options that exist (the suite refuses anything else with
    /// exit code 2); each file keeps its manual approval, one deploy at a time, and secrets from the CI's variables.
    /// </summary>
    [TestCase("github-actions.yml", "environment: production", "concurrency:", "${{ secrets.CORALNET_DB_PASSWORD }}")]
    [TestCase("gitlab-ci.yml", "when: manual", "resource_group:", "CORALNET_DB_PASSWORD")]
    public void Every_target_and_option_the_CI_examples_use_exists(string file, string approval, string oneAtATime, string secret)
    {
        var text = File.ReadAllText(Path.Combine(SuiteRun.RepositoryRoot, "examples/ci", file));
        var commands = text.Split('\n').Select(line => line[(line.IndexOf("./build.sh ", StringComparison.Ordinal) + 1)..]).Where((_, i) => text.Split('\n')[i].Contains("./build.sh ", StringComparison.Ordinal)).ToList();
        Assert.That(commands, Has.Count.GreaterThanOrEqualTo(3));
        var targets = new HashSet<string>();
        foreach (var command in commands)
        {
            var args = Regex.Matches(command, "(?:[^\\s\"]+|\"[^\"]*\")+").Select(m => m.Value.Replace("\"", "")).Skip(1).ToList();
            targets.Add(args.Single(a => a.StartsWith("--target=", StringComparison.Ordinal))["--target=".Length..]);
            var (code, output) = SuiteRun.Run(SuiteRun.RepositoryRoot, [.. args, "--tree"]);
            Assert.That(code, Is.Zero, $"{command}\n{output}");
        }

        Assert.That(targets, Is.SupersetOf(new[] { "Test", "Plan", "Deploy" }));
        Assert.That(text, Does.Contain("--lock-wait=").And.Contain("--yes").And.Contain(approval).And.Contain(oneAtATime).And.Contain(secret));
        Assert.That(text, Does.Not.Match("(?i)(password|secret_key|aws_secret_access_key)[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+]{8,}"), "no secret written in the file");
    }

    [Test]
    public void Hosts_limits_the_web_hosts_and_refuses_a_name_the_environment_lacks()
    {
        SshTarget[] hosts = [new("web1", "10.0.0.1"), new("web2", "10.0.0.2"), new("web3", "10.0.0.3")];

        Assert.That(HostSelection.Apply(hosts, "web3,web1").Select(h => h.Name), Is.EqualTo(new[] { "web1", "web3" }));
        Assert.That(HostSelection.Apply(hosts, null), Is.EqualTo(hosts));
        Assert.That(() => HostSelection.Apply(hosts, "web1,wbe2"), Throws.InvalidOperationException.With.Message.Contains("wbe2").And.Message.Contains("web1, web2, web3"));
    }

    [Test]
    public void An_audit_line_reads_back_as_written_and_a_line_that_is_no_entry_is_left_out()
    {
        var entry = new AuditEntry(new DateTimeOffset(2026, 12, 2, 1, 2, 3, TimeSpan.Zero), "ci", "Lock", null, null, "succeeded", 0.42, "upgrade");

        var read = AuditEntry.TryParse(entry.ToLine(), "web2");

        Assert.That(read, Is.EqualTo(entry with { Seconds = 0.4, Host = "web2" }));
        Assert.That(AuditEntry.TryParse("not json", "web1"), Is.Null);
    }

    [Test]
    public void Release_commits_are_read_from_the_hosts_listing()
    {
        var commits = ReleaseCommits.Parse("20261201T000000Z-0123abcd\tdeadbeef00\n20261202T000000Z-0123abcd\t\nok\n");

        Assert.That(commits, Is.EqualTo(new Dictionary<string, string> { ["20261201T000000Z-0123abcd"] = "deadbeef00" }));
    }

    [Test]
    public void The_status_of_a_host_with_nothing_deployed_and_a_held_lock_reads_as_such()
    {
        var status = HostStatus.Parse("web1", "gunicorn\t8001\tinactive\t\tstandby\ngunicorn\t8002\tinactive\t\tstandby\nlock\twho=ci since=2026-12-02T01:00:00Z release=none message=upgrade\ndisk\t1048576\t2097152\nreboot\tlinux-image \nanswer\t0\tConnection refused\nok\n");

        Assert.That(status.Release, Is.Null);
        Assert.That(status.Dirty, Is.Null);
        Assert.That(status.Gunicorn, Is.EqualTo(new[] { new GunicornInstance(8001, "inactive", null, false), new GunicornInstance(8002, "inactive", null, false) }));
        Assert.That(status.Lock, Does.EndWith("message=upgrade"));
        Assert.That((status.FreeBytes, status.TotalBytes, status.RebootPending, status.AnswerStatus), Is.EqualTo((1048576L, 2097152L, "linux-image", 0)));
        Assert.That(status.Lines(), Has.Some.EqualTo("  reboot pending: yes (linux-image)").And.Some.EqualTo("  last deploy: none recorded"));
    }
}
