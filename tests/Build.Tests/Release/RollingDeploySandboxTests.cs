using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// Rolling deploys on three sandbox web hosts behind the sandbox's HAProxy (lb1), the suite run as its
/// own process: a request loop through the load balancer, and its statistics sampled, during each.
/// HTTPS ends at lb1 (its certificate from the sandbox's pebble, by certbot there): the loop asks over
/// https, the chain verified against pebble's root. The tests share one booted set and one site, and go
/// in order (the last one powers a host off).
/// </summary>
public sealed partial class RollingDeploySandboxTests : SandboxFixture
{
    private static readonly string[] WebHosts = ["web1", "web2", "web3"];
    private string _firstOutput = "";

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string> { ["Sandbox_WebHosts"] = string.Join(',', WebHosts), ["Sandbox_LoadBalancer"] = "lb1" };

    /// <summary>The hosts the class before kept up (a host it powered off is booted again).</summary>
    protected override bool FreshHosts => false;

    protected override string SiteCopyPrefix => "rolling-site-";

    protected override SandboxHost Front => Balancer;

    private SandboxHost Balancer => Sandbox.Addresses["lb1"];

    [OneTimeSetUp]
    public void Deploy()
    {
        // The scheme Django sees (its SECURE_PROXY_SSL_HEADER reads nginx's X-Forwarded-Proto).
        File.AppendAllText(Path.Combine(Site, "project/status/views.py"), "\n\ndef scheme(request):\n    return HttpResponse(request.scheme, content_type=\"text/plain\")\n");
        var urls = Path.Combine(Site, "project/config/urls.py");
        File.WriteAllText(urls, File.ReadAllText(urls).Replace("]\n", "    path(\"scheme/\", views.scheme),\n]\n", StringComparison.Ordinal));

        // A host powered off by an earlier run's last test may hold a dead run's lock.
        var (code, output) = Suite("--target=Deploy", "--take-over-lock");
        Assert.That(code, Is.Zero, output);
        _firstOutput = output;
        var (again, second) = Suite("--target=ConfigureLoadBalancer", "--verbosity=verbose");
        Assert.That(again, Is.Zero, second);
        Assert.That(second, Does.Match(@"lb1\s+: ok=\d+\s+changed=0\s"), "a second configuration of the load balancer changes nothing");
    }

    /// <summary>The ALB's health check names a target by its address (Host: 10.0.1.23); nginx answers it as for the site there, and nothing else.</summary>
    [Test, Order(0)]
    public async Task Each_hosts_nginx_answers_the_health_URL_asked_by_its_address_and_closes_any_other_request_so_named()
    {
        var served = await ServingThroughAsync(Balancer);
        foreach (var web in WebHosts)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var address = Sandbox.Addresses[web].Address;
            using var health = await http.GetAsync($"http://{address}/health/");
            Assert.That((int)health.StatusCode, Is.EqualTo(200), web);
            Assert.That((await health.Content.ReadAsStringAsync()).Trim(), Is.EqualTo(served), web);
            Assert.That(() => http.GetAsync($"http://{address}/"), Throws.TypeOf<HttpRequestException>(), $"{web}: nginx closes (444) a request for its address that is not the health URL");
        }
    }

    [Test, Order(1)]
    public async Task A_rolling_one_file_deploy_fails_no_request_is_never_slow_and_keeps_two_hosts_healthy()
    {
        Touch("# a one-file change for the roll");

        var (code, output, loop, fewestHealthy) = await UnderLoadAsync(() => Suite("--target=Deploy"));

        TestContext.Progress.WriteLine($"The loop through lb1: {loop.Requests} requests, the slowest {loop.Slowest.TotalMilliseconds:0} ms, {loop.SlowestAt.TotalSeconds:0.0} s after it started.");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("Roll: batch 3 of 3 (web3)"));
        Assert.That(loop.Failures, Is.Empty, output);
        Assert.That(loop.Slowest, Is.LessThan(TimeSpan.FromMilliseconds(250)), $"the slowest of {loop.Requests} requests through the load balancer, {loop.SlowestAt.TotalSeconds:0.0} s after the loop started{Environment.NewLine}{output}");
        Assert.That(fewestHealthy, Is.GreaterThanOrEqualTo(2), "HAProxy's healthy servers, sampled during the roll");
        var served = SampleSiteCopy.Served(output);
        Assert.That(await ServingThroughAsync(Balancer), Is.EqualTo(served));
        foreach (var web in WebHosts)
        {
            Assert.That(await ServingThroughAsync(Sandbox.Addresses[web]), Is.EqualTo(served), web);
        }
    }

    [Test, Order(2)]
    public async Task A_release_failing_its_health_check_on_the_first_host_stops_the_roll_there_and_rolls_it_back()
    {
        var before = await ServingThroughAsync(Balancer);
        var views = Path.Combine(Site, "project/status/views.py");
        var good = File.ReadAllText(views);
        // Right on its own gunicorn instance, wrong behind nginx: it fails the health check through nginx.
        File.WriteAllText(views, good.Replace("    answers = database_answers()", "    if 'HTTP_X_FORWARDED_FOR' in request.META and not request.GET:\n        return HttpResponse('behind a proxy', status=503)\n    answers = database_answers()", StringComparison.Ordinal));
        try
        {
            var (code, output, loop, fewestHealthy) = await UnderLoadAsync(() => Suite("--target=Deploy", "--timeouts_healthcheckseconds=3"));

            Assert.That(code, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("The roll stopped at batch 1 of 3 (web1)").And.Contain("failed its health check through nginx"));
            Assert.That(output, Does.Not.Contain("Roll: batch 2 of 3"));
            Assert.That(loop.Failures, Is.Empty, output);
            Assert.That(fewestHealthy, Is.GreaterThanOrEqualTo(2));
            foreach (var web in WebHosts)
            {
                Assert.That(await ServingThroughAsync(Sandbox.Addresses[web]), Is.EqualTo(before), web);
            }

            var clock = Stopwatch.StartNew();
            while (Healthy().Count < WebHosts.Length && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200);
            }

            Assert.That(Healthy(), Is.EquivalentTo(WebHosts), "web1 is back in service, healthy again on the old release");
        }
        finally
        {
            File.WriteAllText(views, good);
        }
    }

    [Test, Order(3)]
    public async Task A_rollback_rolls_too_fails_no_request_keeps_two_hosts_healthy_and_brings_every_host_back_to_the_previous_release()
    {
        var before = await ServingThroughAsync(Balancer);
        Touch("# a change to roll back");
        var (deployed, deployOutput) = Suite("--target=Deploy");
        Assert.That(deployed, Is.Zero, deployOutput);
        Assert.That(await ServingThroughAsync(Balancer), Is.Not.EqualTo(before));

        var (code, output, loop, fewestHealthy) = await UnderLoadAsync(() => Suite("--target=Rollback"));

        TestContext.Progress.WriteLine($"The loop through lb1 during the rollback: {loop.Requests} requests, the slowest {loop.Slowest.TotalMilliseconds:0} ms.");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain($"Roll: batch 1 of 3 (web1) to release {before}").And.Contain($"Roll: batch 3 of 3 (web3) to release {before}"));
        Assert.That(loop.Failures, Is.Empty, output);
        Assert.That(fewestHealthy, Is.GreaterThanOrEqualTo(2), "HAProxy's healthy servers, sampled during the rollback");
        Assert.That(await ServingThroughAsync(Balancer), Is.EqualTo(before));
        foreach (var web in WebHosts)
        {
            Assert.That(await ServingThroughAsync(Sandbox.Addresses[web]), Is.EqualTo(before), web);
        }
    }

    [Test, Order(3)]
    public async Task The_site_s_instance_dying_on_a_web_host_in_service_fails_no_GET_through_lb1_and_the_host_is_taken_out_until_it_answers()
    {
        // Its nginx answers 502 until HAProxy's checks take it out (as while a host shuts down, gunicorn gone before nginx): HAProxy asks another host.
        var site = $"{Settings.Site.Root}/{Settings.Site.Name}";
        var units = $"{Settings.Site.Name}-gunicorn@$(cat {site}/slots/serving)";
        var (code, output, loop, fewest) = await UnderLoadAsync(() =>
        {
            Thread.Sleep(500);
            var stopped = Sandbox.Ssh(Sandbox.Addresses["web1"], $"systemctl stop {units}.socket {units}.service");
            Thread.Sleep(1500);
            return (stopped.ExitCode, stopped.Output + stopped.Error);
        });
        var down = Healthy();
        Assert.That(Sandbox.Ssh(Sandbox.Addresses["web1"], $"systemctl start {units}.socket").Succeeded, Is.True);
        var clock = Stopwatch.StartNew();
        while (Healthy().Count < WebHosts.Length && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.That(code, Is.Zero, output);
        TestContext.Out.WriteLine($"{loop.Requests} requests through lb1, web1's instance stopped for 1.5 s of them");
        Assert.That(loop.Failures, Is.Empty);
        Assert.That((down, fewest), Is.EqualTo((new List<string> { "web2", "web3" }, 2)), "HAProxy took web1 out, and only web1");
        Assert.That(Healthy(), Is.EqualTo(WebHosts), "web1 back in service once its instance answers");
    }

    [Test, Order(4)]
    public async Task A_host_powered_off_mid_roll_stops_the_roll_with_a_clear_error_and_the_site_answers_through_the_others()
    {
        var before = await ServingThroughAsync(Balancer);
        Touch("# a change for the roll that loses a host");
        Task? powerOff = null;
        // A short connect timeout: the undo tries the lost host again for about 20 s, each try waiting for it.
        var (code, output, loop, _) = await UnderLoadAsync(() => SuiteProcess.Run(SandboxHosts.RepositoryRoot, SuiteArguments("--target=Deploy", "--timeouts_connectseconds=2"), (line, _) =>
        {
            if (powerOff is null && line.Contains("Roll: batch 2 of 3", StringComparison.Ordinal))
            {
                powerOff = Task.Run(() => Sandbox.PowerOff("web3"));
            }
        }));
        Assert.That(powerOff, Is.Not.Null, output);
        await powerOff!;

        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("The roll stopped at batch 3 of 3 (web3)"));
        TestContext.Progress.WriteLine(string.Join(Environment.NewLine, output.Split('\n').Where(l => l.Contains("Error:", StringComparison.Ordinal) || l.Contains("roll", StringComparison.OrdinalIgnoreCase))));
        Assert.That(loop.Failures, Is.Empty, output);
        Assert.That(await ServingThroughAsync(Balancer), Is.EqualTo(before));
        Assert.That(Healthy(), Is.EquivalentTo(new[] { "web1", "web2" }));
    }

    /// <param name="SlowestAt">When the slowest request started, from the loop's start (to find it in the run's log).</param>
    private sealed record LoopResult(int Requests, List<string> Failures, TimeSpan Slowest, TimeSpan SlowestAt);

    /// <summary>
    /// Runs <paramref name="run"/> while a loop asks the site through the load balancer and another samples
    /// HAProxy's healthy servers; returns the run, what the loop saw, and the fewest healthy servers sampled.
    /// </summary>
    private async Task<(int Code, string Output, LoopResult Loop, int FewestHealthy)> UnderLoadAsync(Func<(int ExitCode, string Output)> run)
    {
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var requests = 0;
        var slowest = TimeSpan.Zero;
        var slowestAt = TimeSpan.Zero;
        var running = Stopwatch.StartNew();
        // The loop, the sampler and the run each get a thread of their own: the sampler and the run block
        // (ssh, the suite's process), and on this 2-core machine they held the thread pool's few threads, so
        // an asynchronous loop's request waited up to seconds for a thread to go on (a 1.7 s request 0.3 s
        // into the loop, before the roll had changed anything, while HAProxy answers the loop within 60 ms).
        // Synchronous requests on a plain handler (no connect callback): nothing of the loop waits for the pool.
        // Over https to lb1's address, the site's name as Host (and so as SNI and the name checked), the chain verified against pebble's root only.
        using var loopHttp = new HttpClient(new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = PebbleRootOnly() } }) { Timeout = TimeSpan.FromSeconds(10) };
        var loop = DedicatedThread.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = running.Elapsed;
                var clock = Stopwatch.StartNew();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{Balancer.Address}/?loop") { Headers = { Host = Settings.Site.Domain } };
                    using var answer = loopHttp.Send(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    if ((int)answer.StatusCode != 200)
                    {
                        failures.Add($"{(int)answer.StatusCode}");
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(exception.Message);
                }

                // The first requests warm this process's HTTP client (its first one is slow here, not at the site).
                if (Volatile.Read(ref requests) >= 2)
                {
                    (slowest, slowestAt) = clock.Elapsed > slowest ? (clock.Elapsed, started) : (slowest, slowestAt);
                }

                Interlocked.Increment(ref requests);
                Thread.Sleep(10);
            }
        });
        var fewest = int.MaxValue;
        var sampler = DedicatedThread.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                fewest = Math.Min(fewest, Healthy().Count);
                Thread.Sleep(50);
            }
        });
        while (Volatile.Read(ref requests) < 2)
        {
            await Task.Delay(10);
        }

        var result = await DedicatedThread.Run(run);
        await stop.CancelAsync();
        await Task.WhenAll(loop, sampler);
        Assert.That(requests, Is.GreaterThan(10), "the loop ran during the run");
        return (result.ExitCode, result.Output, new LoopResult(requests, failures, slowest, slowestAt), fewest);
    }

    /// <summary>The servers HAProxy sends requests to now, read through its runtime API on lb1.</summary>
    private List<string> Healthy()
    {
        var result = Sandbox.Ssh(Balancer, $"printf 'show stat\\n' | socat stdio UNIX-CONNECT:{SandboxLoadBalancer.RuntimeSocket}");
        Assert.That(result.Succeeded, Is.True, result.Error);
        return HaproxyStats.Parse(result.Output, SandboxLoadBalancer.Backend).Where(s => s.Serving).Select(s => s.Server).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The release the site answers through a host: over https through lb1, over http straight to a web host's nginx.</summary>
    private async Task<string> ServingThroughAsync(SandboxHost host)
    {
        using var http = SiteClient.For(host.Address.ToString(), [Sandbox.Acme.IssuingRoot], TimeSpan.FromSeconds(10));
        using var answer = await http.GetAsync($"{(host == Balancer ? "https" : "http")}://{Settings.Site.Domain}/health/");
        var body = (await answer.Content.ReadAsStringAsync()).Trim();
        Assert.That((int)answer.StatusCode, Is.EqualTo(200), $"{host.Name}: {body}");
        return body;
    }

    private X509ChainPolicy PebbleRootOnly()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(Sandbox.Acme.IssuingRoot)));
        return policy;
    }

    private (int ExitCode, string Output) Suite(params string[] args) => SuiteProcess.Run(SandboxHosts.RepositoryRoot, SuiteArguments(args));

    private void Touch(string line) => File.AppendAllText(Path.Combine(Site, "project/status/views.py"), line + "\n");
}
