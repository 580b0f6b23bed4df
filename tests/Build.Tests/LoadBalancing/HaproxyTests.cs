using CoralNet.Deploy.HostState;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.LoadBalancing;

/// <summary>The sandbox load balancer's HAProxy configuration, its runtime API commands (run in sh against a stand-in socat), and the statistics it reads.</summary>
public sealed class HaproxyTests
{
    private static readonly SiteSettings Site = new() { Name = "coralnet", Domain = "coralnet.sandbox" };
    private static readonly SshTarget[] Web = [new("web1", "10.213.0.11"), new("web2", "10.213.0.12")];


    [Test]
    public void The_configuration_sends_port_80_to_every_web_hosts_nginx_checked_on_the_health_url_under_the_sites_name()
    {
        var config = Rendered();

        Assert.That(config, Does.Contain("    bind :80\n"));
        Assert.That(config, Does.Contain("    server web1 10.213.0.11:80\n    server web2 10.213.0.12:80"));
        Assert.That(config, Does.Contain("http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host coralnet.sandbox"));
        Assert.That(config, Does.Contain("default-server check inter 1000 fall 2 rise 2"));
        Assert.That(config, Does.Contain("stats socket /run/haproxy-admin.sock mode 600 user root group root level admin"), "the runtime API is root's only");
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void The_configuration_file_is_checked_by_haproxy_before_it_is_installed_and_haproxy_reloads_only_then()
    {
        var file = new SandboxLoadBalancer(new SshTarget("lb1", "10.213.0.9"), Site, Web).Plan("ConfigureLoadBalancer").Items.OfType<FileResource>().Single();
        var script = file.Plan(["absent"])!.Command!.Script;

        Assert.That(file.Path, Is.EqualTo("/etc/haproxy/haproxy.cfg"));
        Assert.That(script, Does.Contain("haproxy -c -q -f \"$stage\""));
        Assert.That(script.IndexOf("haproxy -c", StringComparison.Ordinal), Is.LessThan(script.IndexOf("systemctl reload-or-restart haproxy", StringComparison.Ordinal)));
    }

    [Test]
    public void Setting_a_state_sends_one_request_per_server_reads_the_statistics_after_them_and_fails_with_haproxys_answer_when_it_refuses()
    {
        var command = new HaproxyCommands("/run/test.sock", "web").SetState(["web1", "web2"], "drain");
        using var folder = new TempDirectory();
        var requests = Path.Combine(folder.Path, "requests");
        // A stand-in socat: records what it was sent, answers what the test says.
        folder.Write("bin/socat", $"#!/bin/sh\ncat >> {requests}\nprintf '%s' \"$ANSWER\"\n");
        File.SetUnixFileMode(Path.Combine(folder.Path, "bin/socat"), (UnixFileMode)Convert.ToInt32("755", 8));

        var taken = TempDirectory.RunSh($"export PATH={folder.Path}/bin:$PATH ANSWER='\n\n# pxname,svname,scur,status\nweb,web1,1,DRAIN\nweb,web2,0,DRAIN\n'\n{command.Script}");
        Assert.That(taken.Code, Is.Zero, taken.Errors);
        Assert.That(taken.Output.Trim(), Does.EndWith("changed"));
        Assert.That(HaproxyStats.Parse(taken.Output, "web"), Is.EqualTo(new[] { new ServerStat("web", "web1", 1, "DRAIN"), new ServerStat("web", "web2", 0, "DRAIN") }));
        Assert.That(File.ReadAllText(requests), Is.EqualTo("set server web/web1 state drain; set server web/web2 state drain; show stat\n"));

        var refused = TempDirectory.RunSh($"export PATH={folder.Path}/bin:$PATH ANSWER='No such server.\n\n# pxname,svname,scur,status\nweb,web1,0,UP\n'\n{command.Script}");
        Assert.That(refused.Code, Is.Not.Zero);
        Assert.That(refused.Errors, Does.Contain("HAProxy refused: No such server."));
    }

    [Test]
    public void A_reading_is_asked_again_while_the_api_does_not_answer_as_while_haproxy_reloads()
    {
        using var folder = new TempDirectory();
        var tries = Path.Combine(folder.Path, "tries");
        // A stand-in socat refused twice (the socket bound anew), then answering.
        folder.Write("bin/socat", $"#!/bin/sh\ncat > /dev/null\necho x >> {tries}\n[ $(wc -l < {tries}) -ge 3 ] || exit 1\nprintf '# pxname,svname,scur,status\\nweb,web1,0,UP\\n'\n");
        File.SetUnixFileMode(Path.Combine(folder.Path, "bin/socat"), (UnixFileMode)Convert.ToInt32("755", 8));

        var read = TempDirectory.RunSh($"export PATH={folder.Path}/bin:$PATH\n{new HaproxyCommands("/run/test.sock", "web").ShowStat().Script}");

        Assert.That(read.Code, Is.Zero, read.Errors);
        Assert.That(File.ReadAllLines(tries), Has.Length.EqualTo(3));
        Assert.That(HaproxyStats.Parse(read.Output, "web"), Is.EqualTo(new[] { new ServerStat("web", "web1", 0, "UP") }));
    }

    [Test]
    public void Statistics_name_each_server_of_the_backend_with_its_sessions_and_status()
    {
        const string csv = """
            # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
            coralnet,FRONTEND,,,3,5,262124,10,0,0,0,0,0,,,,,OPEN,
            web,web1,0,0,2,3,,10,0,0,,0,,0,0,0,0,UP,1
            web,web2,0,0,0,1,,10,0,0,,0,,0,0,0,0,DRAIN,1
            web,web3,0,0,0,1,,10,0,0,,0,,0,0,0,0,UP 1/2,1
            web,BACKEND,0,0,2,3,,30,0,0,0,0,,0,0,0,0,UP,3
            ok
            """;

        var stats = HaproxyStats.Parse(csv, "web");

        Assert.That(stats, Is.EqualTo(new[] { new ServerStat("web", "web1", 2, "UP"), new ServerStat("web", "web2", 0, "DRAIN"), new ServerStat("web", "web3", 0, "UP 1/2") }));
        Assert.That(stats.Where(s => s.Serving).Select(s => s.Server), Is.EqualTo(new[] { "web1" }), "a drained server and one failing its checks take no new requests");
    }

    [Test]
    public void Statistics_without_their_header_are_an_error_saying_what_came() =>
        Assert.That(() => HaproxyStats.Parse("Unknown command\n", "web"), Throws.TypeOf<LoadBalancerException>().With.Message.Contains("Unknown command"));

    private static string Rendered() => CoralNet.Deploy.Templates.LoadBalancerTemplates.Haproxy(Site, Web, SandboxLoadBalancer.RuntimeSocket, SandboxLoadBalancer.Backend);
}
