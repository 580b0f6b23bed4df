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
    private static readonly TlsSettings Acme = new() { Mode = TlsMode.Acme, HstsMaxAgeSeconds = 300 };
    private static readonly TlsSettings Off = new() { Mode = TlsMode.Off };


    [Test]
    public void The_configuration_sends_port_80_to_every_web_hosts_nginx_checked_on_the_health_url_under_the_sites_name()
    {
        var config = Rendered();

        Assert.That(config, Does.Contain("    bind :80\n"));
        Assert.That(config, Does.Contain("    server web1 10.213.0.11:80\n    server web2 10.213.0.12:80"));
        Assert.That(config, Does.Contain("http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host coralnet.sandbox"));
        Assert.That(config, Does.Contain("default-server check inter 1000 fastinter 100 fall 2 rise 2"));
        Assert.That(config, Does.Contain("    retry-on conn-failure empty-response 502\n").And.Contain("    http-request disable-l7-retry unless METH_GET\n"),
            "a GET or HEAD answered by nothing or 502 goes to another host; other methods only when never sent");
        Assert.That(config, Does.Contain("stats socket /run/haproxy-admin.sock mode 600 user root group root level admin"), "the runtime API is root's only");
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void The_configuration_file_is_checked_by_haproxy_before_it_is_installed_and_haproxy_reloads_only_then()
    {
        var file = new SandboxLoadBalancer(new SshTarget("lb1", "10.213.0.9"), Site, Off, Web).Plan("ConfigureLoadBalancer", false, []).Items.OfType<FileResource>().Single();
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

    [Test]
    public void Holding_the_certificate_haproxy_serves_443_after_mozillas_intermediate_profile_with_h2_hsts_and_301_on_80_but_for_acme_challenges()
    {
        var config = Rendered(Acme, servesTls: true);

        Assert.That(config, Does.Contain("    bind :443 ssl crt /etc/haproxy/certs/coralnet.pem alpn h2,http/1.1\n"));
        Assert.That(config, Does.Contain("ssl-default-bind-options prefer-client-ciphers ssl-min-ver TLSv1.2 no-tls-tickets"));
        Assert.That(config, Does.Contain("ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"));
        Assert.That(config, Does.Contain("http-request redirect scheme https code 301 if !{ ssl_fc } !{ path_beg /.well-known/acme-challenge/ }"));
        Assert.That(config, Does.Contain("http-response set-header Strict-Transport-Security \"max-age=300\" if { ssl_fc }"));
        Assert.That(config, Does.Contain("http-request set-header X-Forwarded-Proto https if { ssl_fc }\n    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }"),
            "a client's own header is replaced on every request");
        Assert.That(config, Does.Contain("    use_backend acme if { path_beg /.well-known/acme-challenge/ }\n    default_backend web\n"));
        Assert.That(config, Does.Contain("backend acme\n    server certbot 127.0.0.1:8402\n"));
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void Without_the_certificate_yet_haproxy_serves_http_and_answers_acme_challenges_and_with_tls_off_it_knows_nothing_of_tls()
    {
        var before = Rendered(Acme, servesTls: false);
        Assert.That(before, Does.Not.Contain("bind :443").And.Not.Contain("redirect").And.Not.Contain("Strict-Transport-Security"));
        Assert.That(before, Does.Contain("use_backend acme if { path_beg /.well-known/acme-challenge/ }"));

        var off = Rendered(Off, servesTls: false);
        Assert.That(off, Does.Not.Contain("bind :443").And.Not.Contain("acme"), "no challenge route, no certbot backend");
        var files = Rendered(new TlsSettings { Mode = TlsMode.Files, HstsMaxAgeSeconds = 0 }, servesTls: true);
        Assert.That(files, Does.Contain("bind :443 ssl crt /etc/haproxy/certs/coralnet-given.pem").And.Not.Contain("backend acme").And.Not.Contain("Strict-Transport-Security"),
            "files mode has a file of its own: a change of mode changes the configuration");
    }

    [Test]
    public void In_acme_mode_the_load_balancer_gets_certbot_its_haproxy_hook_the_timer_and_a_root_only_certificate_folder()
    {
        var settings = new DeploySettings { Site = Site, Tls = Acme };
        var plan = new SandboxLoadBalancer(new SshTarget("lb1", "10.213.0.9"), Site, Acme, Web).Plan("ConfigureLoadBalancer", false, CoralNet.Deploy.Tls.TlsHostPlan.LoadBalancer(settings, null));

        Assert.That(plan.Items.OfType<PackagesResource>().Single().Id, Does.Contain("certbot"));
        var folder = plan.Items.OfType<DirectoryResource>().Single();
        Assert.That(folder.Id, Is.EqualTo("directory /etc/haproxy/certs"));
        Assert.That(folder.Plan(["absent"])!.Command!.Script, Does.Contain("700").And.Contain("root"));
        var hook = plan.Items.OfType<FileResource>().Single(f => f.Path == "/etc/letsencrypt/renewal-hooks/deploy/coralnet-haproxy");
        Assert.That((hook.Owner, hook.Mode), Is.EqualTo(("root", Convert.ToInt32("755", 8))));
        Assert.That(plan.Items.Select(i => i.Id), Does.Contain(new SystemdUnitResource("certbot.timer").Id));
        Assert.That(CoralNet.Deploy.Tls.TlsHostPlan.LoadBalancer(new DeploySettings { Site = Site, Tls = Off }, null), Is.Empty);
    }

    [Test]
    public void The_deploy_hook_assembles_haproxys_root_only_file_and_reloads_only_when_haproxy_c_passes_else_puts_the_previous_file_back()
    {
        using var folder = new TempDirectory();
        var root = folder.Path;
        var hook = new CoralNet.Deploy.Tls.LoadBalancerTls(Site, Acme).DeployHookScript().Replace("/etc/", root + "/etc/", StringComparison.Ordinal);
        folder.Write("etc/letsencrypt/live/coralnet/fullchain.pem", "CHAIN\n");
        folder.Write("etc/letsencrypt/live/coralnet/privkey.pem", "KEY\n");
        // Stand-ins: haproxy -c passes unless told, systemctl and logger say what they were asked.
        folder.Write("bin/haproxy", "#!/bin/sh\n[ -z \"${REFUSE:-}\" ] || { echo 'bad certificate' >&2; exit 1; }\n");
        folder.Write("bin/systemctl", $"#!/bin/sh\necho \"$*\" >> {root}/calls\n");
        folder.Write("bin/logger", $"#!/bin/sh\necho \"$*\" >> {root}/calls\n");
        foreach (var tool in new[] { "haproxy", "systemctl", "logger" })
        {
            File.SetUnixFileMode(Path.Combine(root, "bin", tool), (UnixFileMode)Convert.ToInt32("755", 8));
        }

        var pem = Path.Combine(root, "etc/haproxy/certs/coralnet.pem");
        var run = TempDirectory.RunSh($"export PATH={root}/bin:$PATH\n{hook}");
        Assert.That(run.Code, Is.Zero, run.Errors);
        Assert.That(File.ReadAllText(pem), Is.EqualTo("CHAIN\nKEY\n"));
        Assert.That(File.GetUnixFileMode(pem), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.ReadAllText(Path.Combine(root, "calls")), Does.StartWith("reload haproxy\n").And.Contains("haproxy -c passed, HAProxy reloaded"));

        File.Delete(Path.Combine(root, "calls"));
        folder.Write("etc/letsencrypt/live/coralnet/fullchain.pem", "NEW CHAIN\n");
        var refused = TempDirectory.RunSh($"export PATH={root}/bin:$PATH REFUSE=1\n{hook}");
        Assert.That(refused.Code, Is.Not.Zero);
        Assert.That(refused.Errors, Does.Contain("haproxy -c refused").And.Contain("bad certificate"));
        Assert.That(File.ReadAllText(pem), Is.EqualTo("CHAIN\nKEY\n"), "the previous file is back");
        Assert.That(File.Exists(Path.Combine(root, "calls")), Is.False, "no reload");

        var other = TempDirectory.RunSh($"export PATH={root}/bin:$PATH RENEWED_LINEAGE={root}/etc/letsencrypt/live/other\n{hook}");
        Assert.That(other.Code, Is.Zero, other.Errors);
        Assert.That(File.ReadAllText(pem), Is.EqualTo("CHAIN\nKEY\n"), "another certificate's renewal leaves HAProxy's alone");
    }

    private static string Rendered(TlsSettings? tls = null, bool servesTls = false) =>
        CoralNet.Deploy.Templates.LoadBalancerTemplates.Haproxy(Site, tls ?? Off, servesTls, Web, SandboxLoadBalancer.RuntimeSocket, SandboxLoadBalancer.Backend);
}
