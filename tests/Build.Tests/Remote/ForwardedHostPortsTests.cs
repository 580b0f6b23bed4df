using System.Net;
using System.Net.Sockets;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Remote;

/// <summary>
/// The health check through a host's SSH connection, against a real sshd and a web server in a network namespace of
/// their own: the server listens on the host's 127.0.0.1:80 (or :443) there, which the test process cannot reach but over SSH.
/// </summary>
[Category("Integration")]
public class ForwardedHostPortsTests
{
    private const string Domain = "coral.example.test";

    private LoopbackSshd _sshd = null!;
    private SshConnectionPool _pool = null!;

    [OneTimeSetUp]
    public void StartSshd()
    {
        _sshd = LoopbackSshd.StartIsolated();
        _sshd.TrustHostKey();
    }

    [OneTimeTearDown]
    public void StopSshd() => _sshd.Dispose();

    [SetUp]
    public void OpenPool() => _pool = new SshConnectionPool(_sshd.Options(), new HostKeyVerifier(_sshd.KnownHostsFile, false));

    [TearDown]
    public async Task ClosePool() => await _pool.DisposeAsync();

    private static DeploySettings On(ProviderKind provider) => new() { Provider = provider };

    [Test]
    public void Aws_runs_reach_the_hosts_ports_through_ssh_and_the_sandbox_straight()
    {
        using var aws = HostPortRoute.For(On(ProviderKind.Aws), _pool) as ForwardedHostPorts;
        Assert.That(aws, Is.Not.Null);
        Assert.That(HostPortRoute.For(On(ProviderKind.Sandbox), _pool), Is.SameAs(DirectHostPorts.Instance));
    }

    [Test]
    public async Task The_health_check_reaches_nginx_that_only_the_ssh_connection_reaches_with_the_sites_name_and_one_forward_reused()
    {
        using var server = InsideWebServer.Http(_sshd);
        server.Serve("release-1\n");
        using var ports = (ForwardedHostPorts)HostPortRoute.For(On(ProviderKind.Aws), _pool);
        var probe = new HttpHealthProbe(Domain, [], _ => false, ports);

        Assert.That(await probe.WaitForAsync(_sshd.Target(), "release-1", TimeSpan.FromSeconds(5), CancellationToken.None), Is.Null);
        Assert.That(await probe.WaitForAsync(_sshd.Target(), "release-1", TimeSpan.Zero, CancellationToken.None), Is.Null);

        Assert.That(server.Requests, Is.EqualTo(new[] { $"GET {Domain} /health/", $"GET {Domain} /health/" }));
        Assert.That(ports.Opened, Is.EqualTo(1), "one forward for the host's port 80, kept for the run");
        Assert.That(_pool.ConnectionsOpened, Is.EqualTo(1), "the forward rides the run's connection");

        var direct = await new HttpHealthProbe(Domain, [], _ => false, DirectHostPorts.Instance).WaitForAsync(_sshd.Target(), "release-1", TimeSpan.Zero, CancellationToken.None);
        Assert.That(direct, Is.Not.Null, "straight to the host's address, port 80 is not reached");
        Assert.That(server.Requests, Has.Length.EqualTo(2));
    }

    [Test]
    public async Task A_wrong_answer_through_the_forward_says_how_the_host_was_asked()
    {
        using var server = InsideWebServer.Http(_sshd);
        server.Serve("release-0");
        using var ports = (ForwardedHostPorts)HostPortRoute.For(On(ProviderKind.Aws), _pool);

        var problem = await new HttpHealthProbe(Domain, [], _ => false, ports).WaitForAsync(_sshd.Target(), "release-1", TimeSpan.Zero, CancellationToken.None);

        Assert.That(problem, Is.EqualTo($"http://{Domain}/health/ on 127.0.0.1 through its SSH connection answered 200 with 'release-0' instead of 200 with release-1, after 0 s"));
    }

    [Test]
    public async Task Over_https_the_forward_goes_to_port_443_with_the_sites_name_as_sni_and_its_certificate_checked()
    {
        var folder = Directory.CreateTempSubdirectory("forward-tls-").FullName;
        try
        {
            var certificate = Path.Combine(folder, "site.pem");
            var key = Path.Combine(folder, "site.key");
            LoopbackSshd.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=" + Domain, "-addext", "subjectAltName=DNS:" + Domain, "-keyout", key, "-out", certificate);
            using var server = InsideWebServer.Https(_sshd, certificate, key);
            server.Serve("release-2");
            using var ports = (ForwardedHostPorts)HostPortRoute.For(On(ProviderKind.Aws), _pool);

            Assert.That(await new HttpHealthProbe(Domain, [certificate], _ => true, ports).WaitForAsync(_sshd.Target(), "release-2", TimeSpan.FromSeconds(5), CancellationToken.None), Is.Null);
            Assert.That(server.Requests, Is.EqualTo(new[] { $"SNI {Domain}", $"GET {Domain} /health/" }));

            var untrusted = await new HttpHealthProbe(Domain, [], _ => true, ports).WaitForAsync(_sshd.Target(), "release-2", TimeSpan.Zero, CancellationToken.None);
            Assert.That(untrusted, Does.Contain("did not answer").And.Contain("SSL"), "the chain is still checked through the forward");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_connection_made_anew_gets_a_new_forward_and_the_forwards_close_with_the_run()
    {
        using var server = InsideWebServer.Http(_sshd);
        server.Serve("release-3");
        var ports = (ForwardedHostPorts)HostPortRoute.For(On(ProviderKind.Aws), _pool);
        var probe = new HttpHealthProbe(Domain, [], _ => false, ports);
        Assert.That(await probe.WaitForAsync(_sshd.Target(), "release-3", TimeSpan.FromSeconds(5), CancellationToken.None), Is.Null);

        _pool.Forget(_sshd.Target());
        Assert.That(await probe.WaitForAsync(_sshd.Target(), "release-3", TimeSpan.FromSeconds(5), CancellationToken.None), Is.Null);
        Assert.That(ports.Opened, Is.EqualTo(2));
        var local = (IPEndPoint)await ports.ReachAsync(_sshd.Target(), 80, CancellationToken.None);

        ports.Dispose();

        using var client = new TcpClient();
        Assert.That(() => client.Connect(local), Throws.InstanceOf<SocketException>(), "the forward's local port is closed");
    }

    [Test]
    public async Task Nothing_listening_on_the_hosts_port_is_a_check_that_did_not_answer()
    {
        using var ports = (ForwardedHostPorts)HostPortRoute.For(On(ProviderKind.Aws), _pool);

        var problem = await new HttpHealthProbe(Domain, [], _ => false, ports).WaitForAsync(_sshd.Target(), "release-1", TimeSpan.Zero, CancellationToken.None);

        Assert.That(problem, Does.StartWith($"http://{Domain}/health/ on 127.0.0.1 through its SSH connection did not answer: "));
    }
}
