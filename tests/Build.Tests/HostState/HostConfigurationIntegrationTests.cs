using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Tests.Remote;

namespace CoralNet.Deploy.Tests.HostState;

/// <summary>
/// The runner and resources against a real sshd on loopback: the probe script and the change
/// commands really run (as root, on files under a temporary folder of this machine).
/// </summary>
[Category("Integration")]
public class HostConfigurationIntegrationTests
{
    private LoopbackSshd _sshd = null!;
    private string _root = null!;

    [OneTimeSetUp]
    public void StartSshd()
    {
        _sshd = LoopbackSshd.Start();
        _sshd.TrustHostKey();
    }

    [OneTimeTearDown]
    public void StopSshd() => _sshd.Dispose();

    [SetUp]
    public void MakeRoot() => _root = Directory.CreateTempSubdirectory("hoststate-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    private static int Octal(string mode) => Convert.ToInt32(mode, 8);

    private IReadOnlyList<PlannedTask> Plan(string sudoers = "root ALL=(ALL:ALL) ALL\n") =>
    [
        new("Files",
        [
            new DirectoryResource(_root + "/www", "root", "daemon", Octal("2775")),
            new FileResource(_root + "/www/app.conf", "setting = 1\n", "root", "daemon", Octal("640")),
            new SymlinkResource(_root + "/www/current", "app.conf"),
            new AbsentResource(_root + "/default", "touch " + Shell.Quote(_root + "/reloaded")),
        ]),
        new("Sudoers", [new FileResource(_root + "/sudoers.d/people", sudoers, "root", "root", Octal("440"), validate: "visudo -cf")]),
    ];

    // h1 and h2 are two names of the same loopback host, so they share its files: a run over both
    // races on who changes an item first. Tests that count changes per host run over one name.
    private async Task<RunRecorder> RunAsync(SshConnectionPool pool, IReadOnlyList<PlannedTask> plan, bool check = false, List<string>? log = null, string[]? hosts = null)
    {
        var recorder = new RunRecorder(check);
        var targets = (hosts ?? ["h1", "h2"]).Select(_sshd.Target).ToList();
        var configuration = new HostConfiguration(new SshExecutor(pool, s => s), targets, plan, recorder, line => log?.Add(line), TimeSpan.FromSeconds(30));
        foreach (var task in plan)
        {
            await configuration.RunTaskAsync(task.Name);
        }

        return recorder;
    }

    [Test]
    public async Task The_first_run_changes_what_differs_the_second_changes_nothing_over_the_same_connections()
    {
        Directory.CreateDirectory(_root + "/sudoers.d");
        File.WriteAllText(_root + "/default", "welcome");
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));

        var first = await RunAsync(pool, Plan(), hosts: ["h1"]);
        Assert.That(first.Counts(), Is.EqualTo(new[] { new RunRecorder.HostCounts("h1", 0, 5, 0) }));
        Assert.That(LoopbackSshd.Run("stat", "-c", "%U %G %a", _root + "/www").Trim(), Is.EqualTo("root daemon 2775"));
        Assert.That(LoopbackSshd.Run("stat", "-c", "%U %G %a", _root + "/www/app.conf").Trim(), Is.EqualTo("root daemon 640"));
        Assert.That(File.ReadAllText(_root + "/www/app.conf"), Is.EqualTo("setting = 1\n"));
        Assert.That(new FileInfo(_root + "/www/current").LinkTarget, Is.EqualTo("app.conf"));
        Assert.That(File.Exists(_root + "/default"), Is.False);
        Assert.That(File.Exists(_root + "/reloaded"), Is.True);
        Assert.That(Directory.GetFiles(_root + "/sudoers.d"), Is.EqualTo(new[] { _root + "/sudoers.d/people" }), "no staging file is left behind");

        var second = await RunAsync(pool, Plan());
        Assert.That(second.Counts().Select(c => (c.Host, c.Ok, c.Changed, c.Failed)), Is.EqualTo(new[] { ("h1", 5, 0, 0), ("h2", 5, 0, 0) }));
        Assert.That(pool.ConnectionsOpened, Is.EqualTo(2), "one connection per host name, across both runs");
    }

    [Test]
    public async Task A_probe_read_in_another_round_trip_stands_for_the_hosts_own()
    {
        Directory.CreateDirectory(_root + "/sudoers.d");
        File.WriteAllText(_root + "/default", "welcome");
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        var executor = new CountingExecutor(new SshExecutor(pool, s => s));
        var host = _sshd.Target("h1");
        // As the deploy lock sends it: after its own steps, in one round trip.
        var lockTrip = HostScript.WithReport("take the lock, inspect", [new RemoteCommand("echo listing; echo ok", "list")], HostConfiguration.ProbeCommand(Plan()));
        var (steps, report) = HostScript.SplitAfterReport((await executor.RunAsync(host, lockTrip)).Stdout);
        Assert.That(steps, Is.EqualTo("listing\n"));

        var recorder = new RunRecorder(false);
        var configuration = new HostConfiguration(executor, [host], Plan(), recorder, _ => { }, TimeSpan.FromSeconds(30));
        configuration.InspectedElsewhere(host, report);
        await configuration.RunTaskAsync("Files");

        Assert.That(executor.Summaries[1], Is.EqualTo($"create {_root}/www"), "no probe of its own before the first change");
        Assert.That(recorder.Counts(), Is.EqualTo(new[] { new RunRecorder.HostCounts("h1", 0, 4, 0) }));
        Assert.That(File.Exists(_root + "/default"), Is.False, "the items after a change are inspected again, as usual, and changed");
        Assert.That(new FileInfo(_root + "/www/current").LinkTarget, Is.EqualTo("app.conf"));
    }

    [Test]
    public async Task Check_mode_reports_drift_and_changes_nothing()
    {
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        await RunAsync(pool, Plan(), hosts: ["h1"]);
        File.WriteAllText(_root + "/www/app.conf", "setting = 2\n");
        var before = File.GetLastWriteTimeUtc(_root + "/www/app.conf");

        var log = new List<string>();
        var check = await RunAsync(pool, Plan(), check: true, log);

        Assert.That(check.Items.Where(i => i.Status == ItemStatus.Changed).Select(i => (i.Host, i.Item)),
            Is.EquivalentTo(new[] { ("h1", "file " + _root + "/www/app.conf"), ("h2", "file " + _root + "/www/app.conf") }));
        Assert.That(log, Has.Some.Contains("would change file " + _root + "/www/app.conf: content differs"));
        Assert.That(File.ReadAllText(_root + "/www/app.conf"), Is.EqualTo("setting = 2\n"));
        Assert.That(File.GetLastWriteTimeUtc(_root + "/www/app.conf"), Is.EqualTo(before));
    }

    [Test]
    public async Task A_sudoers_file_visudo_rejects_is_refused_and_its_folder_left_untouched()
    {
        var options = _sshd.Options();
        await using var pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        await RunAsync(pool, Plan(), hosts: ["h1"]);
        var folder = _root + "/sudoers.d";
        var listing = Directory.GetFiles(folder);
        var stamp = Directory.GetLastWriteTimeUtc(folder);
        var content = File.ReadAllText(folder + "/people");

        var error = Assert.ThrowsAsync<HostConfigurationException>(() => RunAsync(pool, Plan("alice ALL=(ALL NOPASSWD ALL\n")));

        Assert.That(error!.Message, Does.Contain("visudo -cf").And.Contain("nothing was installed").And.Contain("h1"));
        Assert.That(Directory.GetFiles(folder), Is.EqualTo(listing));
        Assert.That(Directory.GetLastWriteTimeUtc(folder), Is.EqualTo(stamp));
        Assert.That(File.ReadAllText(folder + "/people"), Is.EqualTo(content));
    }

    /// <summary>Runs commands over another executor and keeps each one's summary, in order.</summary>
    private sealed class CountingExecutor(IRemoteExecutor inner) : IRemoteExecutor
    {
        public List<string> Summaries { get; } = [];

        public Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
        {
            lock (Summaries)
            {
                Summaries.Add(command.Summary);
            }

            return inner.RunAsync(host, command, cancellation);
        }

        public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => inner.RebootAsync(host, timeout, cancellation);
    }
}
