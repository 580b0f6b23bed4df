using System.Text.RegularExpressions;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

[Category("Integration")]
public class SshIntegrationTests
{
    private LoopbackSshd _sshd = null!;

    [OneTimeSetUp]
    public void StartSshd() => _sshd = LoopbackSshd.Start();

    [OneTimeTearDown]
    public void StopSshd() => _sshd.Dispose();

    [SetUp]
    public void ForgetHostKeys() => File.Delete(_sshd.KnownHostsFile);

    private static SshExecutor Executor(SshConnectionPool pool) => new(pool, text => text.Replace("hunter2-secret", "***", StringComparison.Ordinal));

    [Test]
    public async Task A_known_host_is_reached_once_and_the_connection_is_reused_by_every_command()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = Executor(pool);
        var target = _sshd.Target();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => executor.RunAsync(target, new RemoteCommand($"echo out{i}; echo err{i} >&2", "echo"))));
        var more = await executor.RunAsync(target, new RemoteCommand("id -u", "whoami"));

        Assert.That(results.Select(r => r.Stdout.Trim()), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"out{i}")));
        Assert.That(results[3].Stderr.Trim(), Is.EqualTo("err3"));
        Assert.That(results[3].ExitCode, Is.Zero);
        Assert.That(more.Stdout.Trim(), Is.EqualTo("0"));
        Assert.That(pool.ConnectionsOpened, Is.EqualTo(1));
    }

    [Test]
    public async Task A_refused_connection_names_the_settings_that_point_there()
    {
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => pool.GetConnectedAsync(new SshTarget("web9", "127.0.0.1", closed)));

        Assert.That(error!.Message, Does.StartWith($"web9 (127.0.0.1:{closed}): cannot connect over SSH: Connection refused (nothing listens on port {closed}"));
        Assert.That(error.Message, Does.Contain("Sandbox.WebHosts").And.Contain("Ssh.Port"));
    }

    [Test]
    public async Task Two_names_for_two_hosts_open_one_connection_each()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = Executor(pool);
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(executor.RunAsync(_sshd.Target("a"), new RemoteCommand("true", "t")), executor.RunAsync(_sshd.Target("b"), new RemoteCommand("true", "t")));
        }

        Assert.That(pool.ConnectionsOpened, Is.EqualTo(2));
    }

    [Test]
    public async Task A_failed_command_names_host_command_exit_code_and_stderr_with_secrets_masked()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var error = Assert.ThrowsAsync<RemoteCommandException>(() => Executor(pool).RunAsync(
            _sshd.Target("web7"), new RemoteCommand("echo 'password hunter2-secret rejected' >&2; exit 3", "fail")));
        Assert.That(error!.ExitCode, Is.EqualTo(3));
        Assert.That(error.Message, Does.StartWith("web7: command failed with exit code 3: echo 'password *** rejected' >&2; exit 3"));
        Assert.That(error.Message, Does.Contain("password *** rejected").And.Not.Contain("hunter2"));
    }

    [Test]
    public async Task An_unknown_host_is_refused_with_its_fingerprint_and_nothing_is_written()
    {
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var error = Assert.ThrowsAsync<HostKeyRefusedException>(() => Executor(pool).RunAsync(_sshd.Target(), new RemoteCommand("true", "t")));
        var fingerprint = LoopbackSshd.Run("ssh-keygen", "-lf", _sshd.HostKeyFile + ".pub").Split(' ')[1];
        Assert.That(error!.Message, Does.Contain(fingerprint).And.Contain("Ssh.TrustOnFirstUse"));
        Assert.That(File.Exists(_sshd.KnownHostsFile), Is.False);
        Assert.That(pool.ConnectionsOpened, Is.Zero);
    }

    [Test]
    public async Task Trust_on_first_use_records_the_key_which_a_strict_run_then_accepts()
    {
        var options = _sshd.Options(trustOnFirstUse: true);
        await using (var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, true)))
        {
            await Executor(pool).RunAsync(_sshd.Target(), new RemoteCommand("true", "t"));
        }

        Assert.That(File.ReadAllText(_sshd.KnownHostsFile).Trim(), Is.EqualTo(_sshd.KnownHostsLine()));
        var strict = _sshd.Options();
        await using var again = new SshConnectionPool(strict, new HostKeyVerifier(strict.KnownHostsFile, false));
        Assert.That((await Executor(again).RunAsync(_sshd.Target(), new RemoteCommand("echo ok", "t"))).Stdout.Trim(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_changed_host_key_is_refused_even_with_trust_on_first_use()
    {
        var otherKey = Convert.ToBase64String(Convert.FromBase64String("AAAAC3NzaC1lZDI1NTE5AAAAIMxJr3xbvswsJLUF0FsUkd49zGYZfKbS/Km2og1rhWTy"));
        File.WriteAllText(_sshd.KnownHostsFile, $"[127.0.0.1]:{_sshd.Port} ssh-ed25519 {otherKey}\n");
        var options = _sshd.Options(trustOnFirstUse: true);
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, true));
        var error = Assert.ThrowsAsync<HostKeyRefusedException>(() => Executor(pool).RunAsync(_sshd.Target(), new RemoteCommand("true", "t")));
        Assert.That(error!.Message, Does.Contain("CHANGED"));
        Assert.That(File.ReadAllLines(_sshd.KnownHostsFile), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task An_rsa_key_with_a_passphrase_logs_in_and_without_it_the_error_says_what_to_set()
    {
        _sshd.TrustHostKey();
        var rsa = Path.Combine(_sshd.Folder, "client_rsa");
        var options = _sshd.Options(keyFile: rsa, passphrase: "rsa-passphrase");
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        Assert.That((await Executor(pool).RunAsync(_sshd.Target(), new RemoteCommand("echo rsa", "t"))).Stdout.Trim(), Is.EqualTo("rsa"));
        Assert.That(PrivateKeys.Check(rsa, null), Does.Contain("Ssh.PassphraseVariable"));
        Assert.That(PrivateKeys.Check(rsa, "wrong"), Does.Contain("wrong passphrase"));
    }

    [Test]
    public async Task A_25_second_streaming_command_gets_a_heartbeat_every_10_seconds_with_its_latest_line_masked()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var beats = new List<(TimeSpan At, string Line)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var executor = new SshExecutor(pool, text => text.Replace("hunter2-secret", "***", StringComparison.Ordinal), line =>
        {
            lock (beats)
            {
                beats.Add((clock.Elapsed, line));
            }
        });
        var script = "for i in 1 2 3 4 5 6 7 8; do echo \"step $i of 8 (hunter2-secret)\"; sleep 3; done; echo 'to stderr' >&2; echo changed";

        var result = await executor.RunAsync(_sshd.Target(), new RemoteCommand(script, "long step") { Streams = true });

        TestContext.Out.WriteLine(string.Join("\n", beats.Select(b => $"{b.At.TotalSeconds:0.0} {b.Line}")));
        Assert.That(result.Stdout, Is.EqualTo(string.Concat(Enumerable.Range(1, 8).Select(i => $"step {i} of 8 (hunter2-secret)\n")) + "changed\n"), "the output is whole and exact");
        Assert.That(result.Stderr, Is.EqualTo("to stderr\n"));
        Assert.That(beats, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(beats[0].At.TotalSeconds, Is.LessThan(11.5), "the first beat within 10 s");
        Assert.That(beats.Zip(beats.Skip(1), (a, b) => (b.At - a.At).TotalSeconds), Has.All.LessThan(11.5));
        foreach (var (_, line) in beats)
        {
            Assert.That(line, Does.Match(@"^loop: long step: still running, 0m[0-3]\ds elapsed; last output: step [1-8] of 8 \(\*\*\*\)$"));
            Assert.That(line, Does.Not.Contain("hunter2-secret"));
        }

        var steps = beats.Select(b => Regex.Match(b.Line, @"step (\d) of 8").Groups[1].Value).Where(s => s.Length > 0).Select(int.Parse).ToList();
        Assert.That(steps, Has.Count.EqualTo(beats.Count), "each beat carries the latest line");
        Assert.That(steps, Is.Ordered.And.All.GreaterThanOrEqualTo(3), "the latest line, not the first: the output streams");
    }

    [Test]
    public async Task A_quick_command_says_nothing_and_a_held_back_one_keeps_its_output_exact()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var beats = new List<string>();
        var executor = new SshExecutor(pool, text => text, beats.Add);

        var held = await executor.RunAsync(_sshd.Target(), new RemoteCommand("printf 'a\\nb'; echo e >&2", "quick"));
        var streamed = await executor.RunAsync(_sshd.Target(), new RemoteCommand("printf 'a\\nb'; echo e >&2", "quick") { Streams = true });

        Assert.That(held, Is.EqualTo(new CommandResult(0, "a\nb", "e\n")));
        Assert.That(streamed, Is.EqualTo(held));
        Assert.That(beats, Is.Empty);
    }

    [Test]
    public async Task A_failing_streaming_command_fails_with_its_error_output()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new SshExecutor(pool, text => text);

        var error = Assert.ThrowsAsync<RemoteCommandException>(() => executor.RunAsync(_sshd.Target(), new RemoteCommand("echo progress; echo broken >&2; exit 3", "fails") { Streams = true }));

        Assert.That(error!.ExitCode, Is.EqualTo(3));
        Assert.That(error.Stderr, Is.EqualTo("broken\n"));
    }

    [Test]
    public async Task A_command_running_until_its_input_closes_echoes_its_lines_and_ends_its_work_when_cancelled()
    {
        _sshd.TrustHostKey();
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var ended = Path.Combine(Path.GetTempPath(), "follow-ended-" + Guid.NewGuid().ToString("N"));
        using var cancel = new CancellationTokenSource();
        var lines = new List<string>();
        var endedBeforeCancel = true;
        var command = new RemoteCommand($"echo following; cat > /dev/null; touch {ended}", "follow")
        {
            RunsUntilInputCloses = true,
            Echo = line =>
            {
                lines.Add(line);
                Thread.Sleep(500);
                endedBeforeCancel = File.Exists(ended);
                cancel.Cancel();
            },
        };

        try
        {
            await new SshExecutor(pool, text => text).RunAsync(_sshd.Target(), command, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Cancelled as asked; what matters is that the command on the host saw its input end.
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ended) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.That(lines, Is.EqualTo(new[] { "following" }));
        Assert.That(endedBeforeCancel, Is.False, "the command runs until the run cancels it");
        Assert.That(File.Exists(ended), Is.True, "the command went on past its input's end");
        File.Delete(ended);
    }
}
