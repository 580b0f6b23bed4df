using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Tests.Release;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Tls;

/// <summary>
/// HTTPS by default, rehearsed against the sandbox's real ACME CA (Debian's pebble): one fresh
/// deploy with two names, shared by the assertions; then a second deploy, renewal, a name that does
/// not resolve, and files mode.
/// </summary>
public sealed class TlsSandboxTests : SandboxFixture
{
    private const string Extra = "www.coralnet.sandbox";
    private string _firstOutput = "";
    private int _firstCode;

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string> { ["Site_ExtraDomains"] = Extra };

    protected override bool FreshHosts => true;

    [OneTimeSetUp]
    public void DeployOnce()
    {
        (_firstCode, _firstOutput) = Suite("--target=Deploy");
        TestContext.Progress.WriteLine(_firstOutput);
    }

    private (int ExitCode, string Output) Suite(params string[] args) => SuiteRun.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    private HttpClient Client(params string[] roots) => SiteClient.For(Web.Address.ToString(), roots.Length > 0 ? roots : [Sandbox.Acme.IssuingRoot], TimeSpan.FromSeconds(10));

    private async Task<string> Root(string script)
    {
        var result = Sandbox.Ssh(Web, "sh -c " + Shell.Quote(script));
        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Error);
        return await Task.FromResult(result.Output.Trim());
    }

    /// <summary>The serial of the certificate the host serves for a name, read in a real handshake.</summary>
    private string ServedSerial(string name)
    {
        using var tcp = new System.Net.Sockets.TcpClient(Web.Address.ToString(), 443);
        using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        tls.AuthenticateAsClient(name);
        return tls.RemoteCertificate!.GetSerialNumberString();
    }

    private static (int Code, string Output) Local(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Test, Order(1)]
    public async Task A_fresh_deploy_serves_https_for_every_name_with_a_chain_pebbles_root_verifies()
    {
        Assert.That(_firstCode, Is.Zero, _firstOutput);
        Assert.That(_firstOutput, Does.Contain($"issued certificate for coralnet.sandbox, {Extra}, valid until"));
        Assert.That(_firstOutput, Does.Contain($"serves at https://coralnet.sandbox/ (web1: curl --cacert '.sandbox/pebble/root.pem' --resolve coralnet.sandbox:443:{Web.Address} https://coralnet.sandbox/)"));
        using var http = Client();
        foreach (var name in new[] { "coralnet.sandbox", Extra })
        {
            using var answer = await http.GetAsync($"https://{name}/health/");
            Assert.That((int)answer.StatusCode, Is.EqualTo(200), name);
            var (code, output) = Local("curl", "-sS", "--cacert", Sandbox.Acme.IssuingRoot, "--resolve", $"{name}:443:{Web.Address}", $"https://{name}/health/");
            Assert.That(code, Is.Zero, $"curl verifies the chain for {name}: {output}");
        }

        Assert.That(() => Client(Sandbox.Acme.DirectoryCa).GetAsync("https://coralnet.sandbox/health/").GetAwaiter().GetResult(),
            Throws.InstanceOf<HttpRequestException>(), "the chain verifies against pebble's root only, not any CA");
    }

    [Test, Order(2)]
    public async Task Http_answers_301_to_https_and_the_acme_challenge_path_still_answers_over_http()
    {
        using var http = Client();
        using var redirect = await http.GetAsync("http://coralnet.sandbox/some/page?q=1");
        Assert.That((int)redirect.StatusCode, Is.EqualTo(301));
        Assert.That(redirect.Headers.Location?.ToString(), Is.EqualTo("https://coralnet.sandbox/some/page?q=1"));

        await Root("mkdir -p /srv/www/coralnet/acme/.well-known/acme-challenge && echo token-from-test > /srv/www/coralnet/acme/.well-known/acme-challenge/probe");
        using var challenge = await http.GetAsync($"http://{Extra}/.well-known/acme-challenge/probe");
        Assert.That((int)challenge.StatusCode, Is.EqualTo(200));
        Assert.That((await challenge.Content.ReadAsStringAsync()).Trim(), Is.EqualTo("token-from-test"));
        await Root("rm -f /srv/www/coralnet/acme/.well-known/acme-challenge/probe");
    }

    [Test, Order(3)]
    public async Task Https_answers_carry_the_hsts_header()
    {
        using var http = Client();
        using var answer = await http.GetAsync("https://coralnet.sandbox/");

        Assert.That(answer.Headers.GetValues("Strict-Transport-Security"), Is.EqualTo(new[] { $"max-age={Settings.Tls.HstsMaxAgeSeconds}" }));
    }

    [Test, Order(3)]
    public void Status_shows_the_certificate_nginx_serves_with_its_names_and_expiry()
    {
        var (code, output) = Suite("--target=Status");

        Assert.That(code, Is.Zero, output);
        var expiry = Local("sh", "-c", $"echo | openssl s_client -connect {Web.Address}:443 -servername coralnet.sandbox 2>/dev/null | openssl x509 -noout -enddate | cut -d= -f2").Output.Trim();
        Assert.That(expiry, Does.EndWith("GMT"), "the served certificate's expiry, read over TLS");
        Assert.That(output, Does.Contain($"certificate: coralnet.sandbox {Extra}, expires {expiry}"));
    }

    [Test, Order(4)]
    public void Openssl_negotiates_tls_1_3_and_is_refused_tls_1_1()
    {
        var connect = new[] { "s_client", "-connect", $"{Web.Address}:443", "-servername", "coralnet.sandbox" };
        var (code13, output13) = Local("openssl", [.. connect, "-tls1_3"]);
        Assert.That(code13, Is.Zero, output13);
        Assert.That(output13, Does.Contain("TLSv1.3"));

        // The client side allows TLS 1.1 (security level 0), so that the refusal is nginx's.
        var (code11, output11) = Local("openssl", [.. connect, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
        Assert.That(code11, Is.Not.Zero, output11);
        // nginx answers with an alert (handshake failure or protocol version): no cipher, no certificate.
        Assert.That(output11, Does.Contain("Cipher is (NONE)").And.Contain("no peer certificate available").And.Match("alert (handshake failure|protocol version)"), output11);
    }

    [Test, Order(5)]
    public void A_second_deploy_issues_nothing_and_the_same_certificate_serves()
    {
        var before = ServedSerial("coralnet.sandbox");

        var (code, output) = Suite("--target=Deploy");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Not.Contain("issued certificate"));
        Assert.That(Regex.Match(output, @"serial ([0-9A-F]+)\)").Groups[1].Value.TrimStart('0'), Is.EqualTo(before.TrimStart('0')));
        Assert.That(ServedSerial("coralnet.sandbox"), Is.EqualTo(before));
    }

    [Test, Order(6)]
    public async Task Certbot_renews_against_pebble_and_its_hook_reloads_nginx_after_nginx_t()
    {
        // certbot as its timer runs it: with the environment of certbot.service (the ACME directory's CA). Its
        // dry run goes to Let's Encrypt's staging directory unless told the server (certbot 2.1).
        const string asTheTimer = "env $(systemctl show certbot.service -p Environment --value)";
        var dryRun = Sandbox.Ssh(Web, $"{asTheTimer} certbot renew --dry-run --server {Shell.Quote(Settings.Tls.AcmeDirectory)} --no-random-sleep-on-renew 2>&1 || {{ tail -40 /var/log/letsencrypt/letsencrypt.log; exit 1; }}");
        Assert.That(dryRun.ExitCode, Is.Zero, dryRun.Output + dryRun.Error);
        Assert.That(dryRun.Output, Does.Contain("Congratulations, all simulated renewals succeeded"));

        var before = ServedSerial("coralnet.sandbox");
        await Root($"{asTheTimer} certbot renew --force-renewal --no-random-sleep-on-renew --quiet");

        Assert.That(await Root("journalctl -t coralnet-deploy --no-pager -o cat"), Does.Contain("nginx -t passed, nginx reloaded"));
        Assert.That(ServedSerial("coralnet.sandbox"), Is.Not.EqualTo(before), "nginx serves the renewed certificate");
        Assert.That(await Root("systemctl is-enabled certbot.timer; systemctl is-active certbot.timer"), Is.EqualTo("enabled\nactive"));
    }

    [Test, Order(7)]
    public async Task A_name_that_does_not_resolve_gives_the_clear_error_and_the_site_keeps_serving()
    {
        var before = ServedSerial("coralnet.sandbox");

        // Only the certificate step: the sandbox's DNS (set by SandboxUp) knows nothing of the new name.
        var (code, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, "--target=Certificate", "--exclusive", $"--site_extradomains={Extra},nowhere.coralnet.sandbox", "--verbosity=verbose");

        Assert.That(code, Is.Not.Zero);
        Assert.That(output, Does.Contain("take deploy lock"), "run on its own, the step that changes nginx takes the deploy lock");
        Assert.That(await Root("test -d /srv/www/coralnet/deploy.lock && echo held || echo free"), Is.EqualTo("free"), "and the failed run released it");
        Assert.That(output, Does.Contain($"web1: no certificate for coralnet.sandbox, {Extra}, nowhere.coralnet.sandbox from {Settings.Tls.AcmeDirectory}")
            .And.Contain("a name does not resolve to this host").And.Contain("run Deploy again").And.Contain("nowhere.coralnet.sandbox"));
        using var http = Client();
        using var answer = await http.GetAsync("https://coralnet.sandbox/health/");
        Assert.That((int)answer.StatusCode, Is.EqualTo(200));
        Assert.That(ServedSerial("coralnet.sandbox"), Is.EqualTo(before));
    }

    [Test, Order(8)]
    public async Task Files_mode_serves_the_given_certificate()
    {
        var folder = Directory.CreateTempSubdirectory("tls-files-").FullName;
        try
        {
            var ca = Path.Combine(folder, "ca.pem");
            var (caCode, caOutput) = Local("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=files test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-keyout", ca + ".key", "-out", ca);
            Assert.That(caCode, Is.Zero, caOutput);
            var leaf = Path.Combine(folder, "leaf.pem");
            var (leafCode, leafOutput) = Local("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=coralnet.sandbox",
                "-addext", $"subjectAltName=DNS:coralnet.sandbox,DNS:{Extra}", "-addext", "basicConstraints=critical,CA:FALSE", "-CA", ca, "-CAkey", ca + ".key", "-keyout", leaf + ".key", "-out", leaf);
            Assert.That(leafCode, Is.Zero, leafOutput);
            var chain = Path.Combine(folder, "chain.pem");
            File.WriteAllText(chain, File.ReadAllText(leaf) + File.ReadAllText(ca));
            Environment.SetEnvironmentVariable("CORALNET_TEST_TLS_KEY", File.ReadAllText(leaf + ".key"));

            var (code, output) = Suite("--target=Deploy", "--tls_mode=files", "--tls_certificatechain=" + chain, "--tls_certificatekey=env:CORALNET_TEST_TLS_KEY");

            Assert.That(code, Is.Zero, output);
            Assert.That(output, Does.Not.Contain("BEGIN PRIVATE KEY"));
            using var http = Client(ca);
            using var answer = await http.GetAsync($"https://{Extra}/health/");
            Assert.That((int)answer.StatusCode, Is.EqualTo(200));
            using var given = X509Certificate2.CreateFromPem(File.ReadAllText(leaf));
            Assert.That(ServedSerial("coralnet.sandbox"), Is.EqualTo(given.SerialNumber));
            Assert.That(await Root("stat -c %a:%U /etc/ssl/private/coralnet.key"), Is.EqualTo("600:root"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CORALNET_TEST_TLS_KEY", null);
            Directory.Delete(folder, recursive: true);
        }
    }
}
