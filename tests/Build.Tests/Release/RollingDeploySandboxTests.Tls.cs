using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tests.Output;
using CoralNet.Deploy.Tests.Sandbox;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>HTTPS ending at lb1: pebble's certificate there, kept across deploys, shown by Status, renewed by certbot through HAProxy.</summary>
public sealed partial class RollingDeploySandboxTests
{
    [Test, Order(2)]
    public async Task Https_ends_at_lb1_with_pebbles_certificate_http_answers_301_and_the_challenge_path_reaches_certbots_port()
    {
        Assert.That(_firstOutput, Does.Contain($"serves at https://coralnet.sandbox/ (lb1: curl --cacert '.sandbox/pebble/root.pem' --resolve coralnet.sandbox:443:{Balancer.Address} https://coralnet.sandbox/)"));
        using var secure = await Https.GetAsync($"https://{Settings.Site.Domain}/health/");
        Assert.That((int)secure.StatusCode, Is.EqualTo(200));
        Assert.That(secure.Headers.GetValues("Strict-Transport-Security"), Is.EqualTo(new[] { $"max-age={Settings.Tls.HstsMaxAgeSeconds}" }));
        using var h2 = new HttpRequestMessage(HttpMethod.Get, $"https://{Settings.Site.Domain}/health/") { Version = new Version(2, 0), VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var overH2 = await Https.SendAsync(h2);
        Assert.That(overH2.Version, Is.EqualTo(new Version(2, 0)), "HTTP/2 by ALPN");

        using var redirect = await Https.GetAsync($"http://{Settings.Site.Domain}/some/page?q=1");
        Assert.That((int)redirect.StatusCode, Is.EqualTo(301));
        Assert.That(redirect.Headers.Location?.ToString(), Is.EqualTo($"https://{Settings.Site.Domain}/some/page?q=1"));

        // certbot's own server listens on lb1's loopback only while it runs: a stand-in answers there now.
        var token = Guid.NewGuid().ToString("N");
        var served = LbRoot($"mkdir -p /tmp/acme-probe/.well-known/acme-challenge && echo {token} > /tmp/acme-probe/.well-known/acme-challenge/probe && "
            + "{ timeout 30 python3 -m http.server 8402 --bind 127.0.0.1 --directory /tmp/acme-probe </dev/null >/dev/null 2>&1 & echo $! > /tmp/acme-probe.pid; } && sleep 1 && echo started");
        Assert.That(served, Is.EqualTo("started"));
        try
        {
            using var challenge = await Https.GetAsync($"http://{Settings.Site.Domain}/.well-known/acme-challenge/probe");
            Assert.That((int)challenge.StatusCode, Is.EqualTo(200));
            Assert.That((await challenge.Content.ReadAsStringAsync()).Trim(), Is.EqualTo(token));
        }
        finally
        {
            // certbot needs the port for itself (the renewal test).
            LbRoot("pid=$(cat /tmp/acme-probe.pid); kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done; rm -rf /tmp/acme-probe /tmp/acme-probe.pid");
        }

        // Django is told https by lb1 only: a client's own X-Forwarded-Proto straight to a web host is not believed.
        using var scheme = await Https.GetAsync($"https://{Settings.Site.Domain}/scheme/");
        Assert.That(await scheme.Content.ReadAsStringAsync(), Is.EqualTo("https"));
        using var direct = SiteClient.For(Sandbox.Addresses["web1"].Address.ToString(), [], TimeSpan.FromSeconds(10));
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"http://{Settings.Site.Domain}/scheme/") { Headers = { { "X-Forwarded-Proto", "https" } } };
        using var forgedAnswer = await direct.SendAsync(forged);
        Assert.That(await forgedAnswer.Content.ReadAsStringAsync(), Is.EqualTo("http"));
        Assert.That(LbRoot("stat -c %a:%U /etc/haproxy/certs /etc/haproxy/certs/coralnet.pem"), Is.EqualTo("700:root\n600:root"));
    }

    [Test, Order(2)]
    public void A_deploy_with_the_certificate_in_place_issues_nothing_and_the_same_certificate_serves()
    {
        var before = ServedSerial();

        var (code, output) = Suite("--target=Deploy");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Not.Contain("issued certificate"));
        Assert.That(Regex.Match(output, @"lb1: certificate for coralnet\.sandbox, valid until .* \(serial ([0-9A-F]+)\)").Groups[1].Value.TrimStart('0'), Is.EqualTo(before.TrimStart('0')), output);
        Assert.That(ServedSerial(), Is.EqualTo(before));
    }

    [Test, Order(2)]
    public void Status_shows_the_certificate_lb1_serves_its_names_and_expiry_besides_each_web_host()
    {
        using var served = ServedCertificate();

        var (code, output) = Suite("--target=Status");
        var json = ProgramProcess.Run(SandboxHosts.RepositoryRoot, new Dictionary<string, string?>(), SuiteArguments("--target=Status", "--format=json"));

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("lb1 (load balancer):").And.Contain($"  certificate: {Settings.Site.Domain}, expires "));
        Assert.That(json.ExitCode, Is.Zero, json.Err);
        var balancer = JsonNode.Parse(json.Out)!["loadBalancer"]!;
        Assert.That((string?)balancer["host"], Is.EqualTo("lb1"));
        var certificate = balancer["certificate"]!;
        Assert.That(certificate["names"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { Settings.Site.Domain }));
        Assert.That(((string)certificate["serial"]!).TrimStart('0'), Is.EqualTo(served.SerialNumber.TrimStart('0')));
        Assert.That(DateTime.ParseExact((string)certificate["notAfter"]!, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            Is.EqualTo(served.NotAfter.ToUniversalTime()), "the expiry of the certificate lb1 serves");
        Assert.That(JsonNode.Parse(json.Out)!["hosts"]!.AsArray().Select(h => (string?)h!["host"]), Is.EqualTo(WebHosts));
    }

    [Test, Order(2)]
    public void Certbot_on_lb1_renews_against_pebble_through_haproxy_and_its_hook_reloads_haproxy_after_haproxy_c()
    {
        // certbot as its timer runs it: with certbot.service's environment (the ACME directory's CA); its dry run asks the server it is told (certbot 2.1).
        const string asTheTimer = "env $(systemctl show certbot.service -p Environment --value)";
        var dryRun = LbRoot($"{asTheTimer} certbot renew --dry-run --server {Shell.Quote(Settings.Tls.AcmeDirectory)} --no-random-sleep-on-renew 2>&1 || {{ tail -40 /var/log/letsencrypt/letsencrypt.log; exit 1; }}");
        Assert.That(dryRun, Does.Contain("Congratulations, all simulated renewals succeeded"));

        var before = ServedSerial();
        LbRoot($"{asTheTimer} certbot renew --force-renewal --no-random-sleep-on-renew --quiet");

        Assert.That(LbRoot("journalctl -t coralnet-deploy --no-pager -o cat"), Does.Contain("haproxy -c passed, HAProxy reloaded"));
        var clock = Stopwatch.StartNew();
        while (ServedSerial() == before && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(100);
        }

        Assert.That(ServedSerial(), Is.Not.EqualTo(before), "HAProxy serves the renewed certificate");
        Assert.That(LbRoot("systemctl is-enabled certbot.timer; systemctl is-active certbot.timer"), Is.EqualTo("enabled\nactive"));
    }

    /// <summary>The serial of the certificate lb1 serves for the site's name, read in a real handshake.</summary>
    private string ServedSerial()
    {
        using var certificate = ServedCertificate();
        return certificate.SerialNumber;
    }

    /// <summary>The certificate lb1 serves for the site's name, read in a real handshake.</summary>
    private X509Certificate2 ServedCertificate()
    {
        using var tcp = new System.Net.Sockets.TcpClient(Balancer.Address.ToString(), 443);
        using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        tls.AuthenticateAsClient(Settings.Site.Domain);
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    /// <summary>A command as root on lb1; its output, trimmed (it must succeed).</summary>
    private string LbRoot(string script)
    {
        var result = Sandbox.Ssh(Balancer, "sh -c " + Shell.Quote(script));
        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Error);
        return result.Output.Trim();
    }
}
