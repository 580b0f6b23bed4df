using System.Net;
using System.Net.Sockets;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>
/// A SandboxUp that fails undoes what it made, whichever step fails: the machine is as before, and the
/// next Up starts clean. Each failure is a real one, provoked on this machine. Like every sandbox
/// fixture, it takes the sandbox down first and leaves it down.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public sealed class FailedSandboxUpTests
{
    private readonly List<string> _log = [];

    [OneTimeSetUp]
    public void TakeTheSandboxDown()
    {
        var (settings, secrets) = SandboxHosts.LoadSettings();
        var sandbox = SandboxHosts.For(settings, secrets);
        sandbox.Down();
        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty, "the sandbox was not down before the test");
    }

    [SetUp]
    public void ClearLog() => _log.Clear();

    [Test, Order(1)]
    public void An_Up_failing_at_the_proxy_undoes_the_bridge_and_the_runtime_folder_it_made()
    {
        var sandbox = Sandbox();
        var listener = new TcpListener(IPAddress.Loopback, SandboxLayout.ProxyPort);
        listener.Start();
        try
        {
            var error = Assert.Throws<SandboxException>(() => sandbox.Up());

            Assert.That(error!.Message, Does.Contain($"Port {SandboxLayout.ProxyPort} on 127.0.0.1").And.Contain("taken by another program"));
        }
        finally
        {
            listener.Stop();
        }

        Assert.That(_log, Has.Some.Contains("undoing what this run made: the bridge coralsbx0, the folder /run/coralnet-sandbox"));
        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty);
    }

    [Test, Order(2)]
    public void An_Up_failing_after_the_hosts_booted_leaves_nothing_behind_and_the_next_Up_works()
    {
        // PostgreSQL on the port sshd holds: db1's setup, the last step of Up, fails once every host runs.
        var failing = Sandbox(new Dictionary<string, string> { ["Database_Port"] = "22" });

        var error = Assert.Throws<SandboxException>(() => failing.Up());

        Assert.That(error!.Message, Does.Contain("Setting up PostgreSQL on db1 failed"));
        Assert.That(_log, Has.Some.Contains("undoing what this run made: db1, web1, the cgroup folders coralnet-sandbox, known_hosts, the package proxy, the bridge coralsbx0, the folder /run/coralnet-sandbox"));
        Assert.That(SandboxHosts.Leftovers(failing), Is.Empty);
        Assert.That(File.Exists(failing.Layout.KnownHosts), Is.False);
        Assert.That(Directory.Exists(failing.Layout.HostsDirectory) ? Directory.GetDirectories(failing.Layout.HostsDirectory) : [], Is.Empty);

        var sandbox = Sandbox();
        try
        {
            var hosts = sandbox.Up();
            foreach (var host in hosts)
            {
                var result = sandbox.Ssh(host, "hostname");
                Assert.That(result.Output.Trim(), Is.EqualTo(host.Name), result.Error);
            }
        }
        finally
        {
            sandbox.Down();
        }

        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty);
    }

    [Test, Order(3)]
    public void An_Up_failing_to_add_a_host_undoes_only_that_host_and_the_running_ones_keep_running()
    {
        var sandbox = Sandbox();
        try
        {
            sandbox.Up();
            // A file where web2's root folder goes: its start fails halfway, after its folder is made.
            var adding = Sandbox(new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1,web2" });
            Directory.CreateDirectory(adding.Layout.HostDirectory("web2"));
            File.WriteAllText(adding.Layout.HostRoot("web2"), "");

            Assert.Catch<IOException>(() => adding.Up());

            Assert.That(_log, Has.Some.EndsWith("undoing what this run made: web2, known_hosts"));
            Assert.That(Directory.Exists(adding.Layout.HostDirectory("web2")), Is.False);
            Assert.That(File.Exists(SandboxLayout.NetnsPath("web2")), Is.False);
            foreach (var host in sandbox.Addresses.Hosts)
            {
                Assert.That(sandbox.IsRunning(host.Name), Is.True, host.Name);
                Assert.That(sandbox.Ssh(host, "hostname").Output.Trim(), Is.EqualTo(host.Name), "its key is still in known_hosts");
            }
        }
        finally
        {
            sandbox.Down();
        }

        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty);
    }

    private LocalSandbox Sandbox(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var (settings, secrets) = SandboxHosts.LoadSettings(overrides);
        return new LocalSandbox(settings, secrets, SandboxHosts.RepositoryRoot, line => { _log.Add(line); TestContext.Progress.WriteLine(line); }, _ => { });
    }
}
