using System.Diagnostics;
using System.Text.Json.Nodes;
using CoralNet.Deploy.Tests.Output;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Operator;

/// <summary>
/// The operator's everyday targets on two sandbox web hosts, sharing one deploy of a copy of the
/// sample kept in a git repository of its own (so that the release records its commit), with hooks
/// that write their variables into files.
/// </summary>
public sealed class OperatorSandboxTests : SandboxFixture
{
    private string _hookOutput = null!;
    private string _firstRelease = null!;
    private string _firstCommit = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    // Two web hosts, over http: a certificate from the ACME CA is issued for one web host (Tls.Mode acme refuses several).
    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1,web2", ["Tls_Mode"] = "off" };

    /// <summary>The hosts the class before kept up: its first deploy makes the site's state it reads.</summary>
    protected override bool FreshHosts => false;

    protected override string SiteCopyPrefix => "operator-site-";

    [OneTimeSetUp]
    public void DeployOnce()
    {
        _hookOutput = Directory.CreateTempSubdirectory("operator-hooks-").FullName;

        foreach (var hook in new[] { "pre-deploy", "post-deploy", "post-rollback" })
        {
            WriteHook(hook, $"env | grep ^CORALNET_ | sort > {_hookOutput}/{hook}.env");
        }

        _firstCommit = Commit("the sample");
        var (code, output) = Suite("--target=Deploy");
        Assert.That(code, Is.Zero, output);
        _firstRelease = Regex(output, @"Release (\d{8}T\d{6}Z-[0-9a-f]{8}) serves at");
    }

    [OneTimeTearDown]
    public void RemoveHookOutput()
    {
        _http.Dispose();
        Directory.Delete(_hookOutput, recursive: true);
    }

    [Test, Order(1)]
    public void The_release_records_its_commit_and_the_hooks_ran_with_their_variables()
    {
        var pre = File.ReadAllText(Path.Combine(_hookOutput, "pre-deploy.env"));
        var post = File.ReadAllText(Path.Combine(_hookOutput, "post-deploy.env"));
        foreach (var variables in new[] { pre, post })
        {
            Assert.That(variables, Does.Contain($"CORALNET_RELEASE={_firstRelease}\n").And.Contain($"CORALNET_COMMIT={_firstCommit}\n")
                .And.Contain("CORALNET_HOSTS=web1,web2\n").And.Contain("CORALNET_ENVIRONMENT=sandbox\n").And.Contain("CORALNET_TARGET=Deploy\n"));
        }

        Assert.That(post, Does.Contain("CORALNET_OUTCOME=succeeded\n"));
        Assert.That(pre, Does.Contain("CORALNET_OUTCOME=\n"), "before the deploy there is no outcome yet");
    }

    [Test, Order(2)]
    public void Status_as_JSON_holds_every_field_for_each_host()
    {
        var result = Program("--target=Status", "--format=json");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        TestContext.Out.WriteLine(result.Out);
        var hosts = JsonNode.Parse(result.Out)!["hosts"]!.AsArray();
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
            Assert.That((string?)host["lastDeploy"]!["target"], Is.EqualTo("Deploy"));
            Assert.That((string?)host["lastDeploy"]!["outcome"], Is.EqualTo("succeeded"));
            Assert.That((long)host["disk"]!["freeBytes"]!, Is.GreaterThan(0));
            Assert.That(host["rebootPending"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.False).Or.EqualTo(System.Text.Json.JsonValueKind.True));
            Assert.That((int)host["answer"]!["status"]!, Is.EqualTo(200));
            Assert.That((string?)host["answer"]!["body"], Is.EqualTo(_firstRelease));
        }
    }

    [Test, Order(3)]
    public async Task A_request_appears_in_Logs_and_follow_shows_a_new_one_then_stops_on_Ctrl_C()
    {
        var marker = "logs-" + Guid.NewGuid().ToString("N")[..8];
        await GetAsync("web1", $"/?{marker}");

        var (code, output) = Suite("--target=Logs", "--lines=50", $"--grep={marker}", "--hosts=web1");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Match($@"web1: nginx access: .*GET /\?{marker}"));

        var follow = StartProgram("--target=Logs", "--follow", "--lines=1", "--hosts=web1");
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        follow.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        follow.BeginOutputReadLine();
        follow.BeginErrorReadLine();
        Assert.That(WaitForLine(lines, "web1: nginx access:", TimeSpan.FromSeconds(60)), Is.Not.Null, "the follow started with the last line");
        var second = "follow-" + Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        await GetAsync("web1", $"/?{second}");
        Assert.That(WaitForLine(lines, second, TimeSpan.FromSeconds(10)), Is.Not.Null, "the new request is followed");
        TestContext.Out.WriteLine($"Logs --follow: the request was printed {clock.ElapsedMilliseconds} ms after it was answered");

        Process.Start("kill", ["-INT", follow.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.That(follow.WaitForExit(TimeSpan.FromSeconds(20)), Is.True, "Ctrl-C stops the follow");
        Assert.That(follow.ExitCode, Is.Zero);
        var (_, processes) = Suite("--target=Manage", "--hosts=web1", "--command=shell -c \"import subprocess; print('followers', subprocess.run(['pgrep', '-c', '-f', 'journalctl -[u]|tail -[n]'], capture_output=True, text=True).stdout.strip())\"");
        Assert.That(processes, Does.Contain("followers 0"), "nothing of the follow keeps running on the host");
    }

    [Test, Order(4)]
    public void Manage_creates_a_superuser_with_the_sites_environment_and_passes_a_failing_exit_code_through()
    {
        var (code, output) = Suite("--target=Manage", "--command=createsuperuser --noinput --username=operator --email=operator@example.org");
        Assert.That(code, Is.Zero, output);

        (code, output) = Suite("--target=Manage", "--command=shell -c \"from django.contrib.auth.models import User; print('superusers', User.objects.filter(username='operator', is_superuser=True).count())\"");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("superusers 1"));

        (code, output) = Suite("--target=Manage", "--command=shell -c 'import sys; sys.exit(3)'");
        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain("exit code 3"));

        (code, output) = OnTerminal("--target=Manage", "--command=shell -c 'import sys; print(\"on a terminal:\", sys.stdin.isatty()); sys.exit(5)'");
        Assert.That(output, Does.Contain("on a terminal: True"), "a terminal here gives manage.py one on the host");
        Assert.That(code, Is.EqualTo(5), output);
    }

    /// <summary>Runs the program on a pseudo-terminal (util-linux script): its exit code and what the terminal showed.</summary>
    private (int ExitCode, string Output) OnTerminal(params string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", ProgramProcess.Program }.Concat(SuiteArguments(args)).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SandboxHosts.RepositoryRoot };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(120)), Is.True, "the interactive run ends");
        return (process.ExitCode, output.Result);
    }

    [Test, Order(5)]
    public void A_Lock_with_a_message_refuses_a_Deploy_naming_it_until_Unlock()
    {
        var (code, output) = Suite("--target=Lock", "--message=database upgrade until 14:00");
        Assert.That(code, Is.Zero, output);
        var status = Program("--target=LockStatus", "--format=json");
        Assert.That(status.Out, Does.Contain("message=database upgrade until 14:00"), status.Err);

        (code, output) = Suite("--target=Deploy");
        Assert.That(code, Is.Not.Zero);
        Assert.That(output, Does.Contain("database upgrade until 14:00"));

        (code, output) = Suite("--target=Unlock");
        Assert.That(code, Is.Zero, output);
    }

    [Test, Order(6)]
    public async Task A_failing_pre_deploy_hook_stops_before_the_lock()
    {
        WriteHook("pre-deploy", "echo 'tests are red' >&2; exit 4");
        try
        {
            var (code, output) = Suite("--target=Deploy", "--verbosity=verbose");

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("pre-deploy: tests are red").And.Contain("stopped before taking the lock"));
            Assert.That(output, Does.Not.Contain("take deploy lock"));
            Assert.That(await GetAsync("web1", "/health/"), Is.EqualTo(_firstRelease));
            Assert.That(Program("--target=LockStatus", "--format=json").Out, Does.Not.Contain("who="), "no lock was left");
        }
        finally
        {
            WriteHook("pre-deploy", $"env | grep ^CORALNET_ | sort > {_hookOutput}/pre-deploy.env");
        }
    }

    [Test, Order(7)]
    public async Task Rollback_by_commit_prefix_and_the_audit_of_both_hosts_merged_by_time()
    {
        File.AppendAllText(Path.Combine(Site, "project/status/views.py"), "# the second commit\n");
        Commit("second");
        var (code, output) = Suite("--target=Deploy");
        Assert.That(code, Is.Zero, output);

        (code, output) = Suite("--target=Rollback", "--release=" + _firstCommit[..8]);
        Assert.That(code, Is.Zero, output);
        Assert.That(await GetAsync("web2", "/health/"), Is.EqualTo(_firstRelease));
        Assert.That(File.ReadAllText(Path.Combine(_hookOutput, "post-rollback.env")), Does.Contain($"CORALNET_RELEASE={_firstRelease}\n").And.Contain("CORALNET_OUTCOME=succeeded\n"));

        var audit = Program("--target=Audit", "--lines=20", "--format=json");
        Assert.That(audit.ExitCode, Is.Zero, audit.Err);
        TestContext.Out.WriteLine(audit.Out);
        var entries = JsonNode.Parse(audit.Out)!.AsArray();
        var times = entries.Select(e => (string)e!["time"]!).ToList();
        Assert.That(times, Is.Ordered, "merged by time");
        foreach (var host in new[] { "web1", "web2" })
        {
            var targets = entries.Where(e => (string?)e!["host"] == host).Select(e => (string)e!["target"]!).ToList();
            Assert.That(targets, Does.Contain("Deploy").And.Contain("Rollback").And.Contain("Lock").And.Contain("Unlock"), host);
        }

        var rollback = entries.Last(e => (string?)e!["target"] == "Rollback")!;
        Assert.That(((string?)rollback["release"], (string?)rollback["commit"], (string?)rollback["outcome"]), Is.EqualTo((_firstRelease, _firstCommit, "succeeded")));
        foreach (var secret in new[] { Settings.Site.SecretKey, Settings.Database.Password, Settings.Database.MasterPassword })
        {
            Assert.That(audit.Out, Does.Not.Contain(Secrets.Get(secret).Reveal()));
        }
    }

    private (int ExitCode, string Output) Suite(params string[] args) =>
        SuiteRun.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    private ProgramProcess.Result Program(params string[] args) =>
        ProgramProcess.Run(SandboxHosts.RepositoryRoot, new Dictionary<string, string?>(), SuiteArguments(args));

    private Process StartProgram(params string[] args)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = SandboxHosts.RepositoryRoot };
        foreach (var arg in new[] { SuiteProcess.DefaultSignals, "dotnet", ProgramProcess.Program }.Concat(SuiteArguments(args)))
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static string? WaitForLine(System.Collections.Concurrent.BlockingCollection<string> lines, string text, TimeSpan timeout)
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

    private async Task<string> GetAsync(string host, string path)
    {
        var address = Sandbox.Addresses[host].Address;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}{path}") { Headers = { Host = Settings.Site.Domain } };
        using var answer = await _http.SendAsync(request);
        return (await answer.Content.ReadAsStringAsync()).Trim();
    }

    private void WriteHook(string name, string body)
    {
        var file = Path.Combine(Site, "deploy/hooks", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "#!/bin/sh\nset -eu\n" + body + "\n");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    private string Commit(string message)
    {
        foreach (var args in new[] { "init -q", "add -A", $"-c user.name=test -c user.email=test@example.org commit -q -m {message.Replace(' ', '-')}" })
        {
            Git(args);
        }

        return Git("rev-parse HEAD").Trim();
    }

    private string Git(string args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Site };
        foreach (var arg in args.Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, git.StandardError.ReadToEnd());
        return output;
    }

    private static string Regex(string text, string pattern) =>
        System.Text.RegularExpressions.Regex.Matches(text, pattern).Select(m => m.Groups[1].Value).Last();
}
