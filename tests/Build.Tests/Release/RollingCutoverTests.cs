using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using static CoralNet.Deploy.Tests.Release.ModelSite;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The roll through three model web hosts behind a model load balancer: its order (standby started
/// while the batch drains, cutover while the next batch's standby starts, back in service, healthy), its undo when a batch fails (that batch and the ones before
/// it, or those kept), and that the load balancer always keeps a host serving.
/// </summary>
public sealed class RollingCutoverTests
{
    private static readonly SshTarget[] Three = [new("web1", "192.0.2.1"), new("web2", "192.0.2.2"), new("web3", "192.0.2.3")];

    [Test]
    public async Task A_roll_drains_while_the_standby_starts_then_cuts_over_and_puts_back_one_host_at_a_time_the_next_standby_starting_meanwhile()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, false));

        Assert.That(run.Error, Is.Null);
        Assert.That(run.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(run.Id));
        string[] expected =
        [
            "web1: standby", "drain web1", "web2: standby", "web1: cutover", "enable web1", "healthy web1",
            "drain web2", "web3: standby", "web2: cutover", "enable web2", "healthy web2",
            "drain web3", "web3: cutover", "enable web3", "healthy web3",
        ];
        Assert.That(run.Events.Where(e => !e.EndsWith(": undo", StringComparison.Ordinal)).Distinct(), Is.EqualTo(expected), "each batch's cutover overlaps the next one's standby start, begun once its own answers");
        Assert.That(run.Balancer.FewestServing, Is.EqualTo(2), "one host of three out at a time");
        Assert.That(run.Hosts.Values.Select(h => h.Locked), Is.All.False);
    }

    [Test]
    public async Task Batches_of_two_leave_one_host_serving_and_a_size_of_all_is_cut_to_one_less()
    {
        var run = await RollAsync(new RollOptions(new BatchSize(100, IsPercent: true), false));

        Assert.That(run.Error, Is.Null);
        Assert.That(run.Events.Where(e => e.StartsWith("drain", StringComparison.Ordinal)), Is.EqualTo(new[] { "drain web1", "drain web2", "drain web3" }));
        Assert.That(run.Events.IndexOf("drain web2"), Is.LessThan(run.Events.IndexOf("web1: cutover")), "web1 and web2 go together");
        Assert.That(run.Events.IndexOf("drain web3"), Is.GreaterThan(run.Events.IndexOf("healthy web2")), "web3 waits for the first batch");
        Assert.That(run.Balancer.FewestServing, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_batch_stops_the_roll_and_rolls_back_it_and_the_batches_before_it()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, false), broken: "web2");

        Assert.That(run.Error, Is.TypeOf<ReleaseException>());
        Assert.That(run.Error!.Message, Does.Contain("The roll stopped at batch 2 of 3 (web2)").And.Contain("rolled back too: on web1").And.Contain($"release {Old} serves again"));
        Assert.That(run.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(Old));
        Assert.That(run.Hosts.Values.Select(h => h.Current), Is.All.EqualTo(Old));
        Assert.That(run.Hosts.Values.Where(h => h.Releases.Contains(run.Id)), Is.Empty, "the new release is deleted everywhere");
        Assert.That(run.Events, Does.Not.Contain("drain web3").And.Not.Contain("web3: cutover"));
        Assert.That(run.Events.IndexOf("web3: undo"), Is.GreaterThan(run.Events.IndexOf("web3: standby")));
        Assert.That(run.Hosts["web3"].Running.Keys, Is.EquivalentTo(new[] { Site.GunicornPort }), "web3's standby, started while web2 cut over, is stopped again");
        Assert.That(run.Events, Does.Contain("enable web2"), "the failed batch serves again, on the old release");
        Assert.That(run.Balancer.InService, Is.EquivalentTo(Three.Select(h => h.Name)));
        Assert.That(run.Balancer.FewestServing, Is.EqualTo(2));
        Assert.That(run.Hosts.Values.Select(h => h.Locked), Is.All.False);
    }

    [Test]
    public async Task A_host_lost_in_its_batch_stops_the_roll_the_others_are_rolled_back_and_the_error_names_the_one_not_undone()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, false), lost: "web3");

        Assert.That(run.Error!.Message, Does.Contain("The roll stopped at batch 3 of 3 (web3)")
            .And.Contain("rolled back too: on web1, web2")
            .And.Contain("Not undone, as it could not be reached: web3 (run Rollback there once it answers)")
            .And.Not.Contain("web3 rolled back"));
        Assert.That(new[] { run.Hosts["web1"].Served, run.Hosts["web2"].Served }, Is.All.EqualTo(Old));
        Assert.That(run.Balancer.FewestServing, Is.EqualTo(2));
    }

    [Test]
    public async Task With_KeepDoneBatches_the_batches_before_the_failing_one_keep_the_new_release_and_the_output_says_so()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, KeepDoneBatches: true), broken: "web2");

        Assert.That(run.Error!.Message, Does.Contain($"keep release {run.Id} (Roll.KeepDoneBatches): web1 serve {run.Id}"));
        Assert.That(run.Hosts["web1"].Served, Is.EqualTo(run.Id));
        Assert.That(run.Hosts["web1"].Current, Is.EqualTo(run.Id));
        Assert.That(run.Hosts["web1"].Releases, Does.Contain(run.Id), "the release web1 serves stays");
        Assert.That(new[] { run.Hosts["web2"].Served, run.Hosts["web3"].Served }, Is.All.EqualTo(Old));
    }

    [Test]
    public async Task A_batch_is_not_drained_when_no_other_host_serves_and_its_standby_started_meanwhile_is_stopped_again()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, false), outOfService: ["web2", "web3"]);

        Assert.That(run.Error!.Message, Does.Contain("no healthy host besides web1").And.Contain("it was not drained, and its standby instance (started meanwhile, serving nothing) is stopped again"));
        Assert.That(run.Events, Does.Not.Contain("drain web1").And.Not.Contain("web1: cutover"));
        Assert.That(run.Events.IndexOf("web1: undo"), Is.GreaterThan(run.Events.IndexOf("web1: standby")));
        Assert.That(run.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(Old));
        Assert.That(run.Hosts["web1"].Running.Keys, Is.EquivalentTo(new[] { Site.GunicornPort }), "only the serving instance runs");
    }

    [Test]
    public async Task When_no_host_is_healthy_at_the_load_balancer_as_before_a_first_deploy_the_roll_goes_on()
    {
        var run = await RollAsync(new RollOptions(BatchSize.One, false), outOfService: ["web1", "web2", "web3"]);

        Assert.That(run.Error, Is.Null);
        Assert.That(run.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(run.Id));
        Assert.That(run.Balancer.InService, Is.EquivalentTo(Three.Select(h => h.Name)), "each batch is put in service");
    }

    [TestCase("1", 1, false)]
    [TestCase("34%", 34, true)]
    [TestCase("100%", 100, true)]
    public void A_batch_size_is_a_count_or_a_share(string text, int count, bool percent) =>
        Assert.That(BatchSize.TryParse(text, out _), Is.EqualTo(new BatchSize(count, percent)));

    [TestCase("0")]
    [TestCase("101%")]
    [TestCase("-1")]
    [TestCase("two")]
    [TestCase("")]
    public void A_batch_size_that_is_neither_is_refused_saying_what_to_give(string text)
    {
        Assert.That(BatchSize.TryParse(text, out var problem), Is.Null);
        Assert.That(problem, Does.Contain("a number of web hosts (2) or a share of them (34%)"));
    }

    [TestCase("1", 5, new[] { 1, 1, 1, 1, 1 })]
    [TestCase("2", 5, new[] { 2, 2, 1 })]
    [TestCase("34%", 3, new[] { 1, 1, 1 })]
    [TestCase("50%", 4, new[] { 2, 2 })]
    [TestCase("100%", 3, new[] { 2, 1 })]
    [TestCase("9", 1, new[] { 1 })]
    public void Batches_follow_the_size_and_never_take_every_host_of_several(string text, int hosts, int[] sizes) =>
        Assert.That(BatchSize.TryParse(text, out _)!.Split(Enumerable.Range(1, hosts).ToList()).Select(b => b.Count), Is.EqualTo(sizes));

    private sealed record Run(Dictionary<string, ModelHost> Hosts, string Id, List<string> Events, ModelBalancer Balancer, Exception? Error);

    /// <param name="lost">A host that stops answering once its cutover starts (every later command to it fails as a dropped connection).</param>
    private static async Task<Run> RollAsync(RollOptions options, string? broken = null, string[]? outOfService = null, string? lost = null)
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        using var cache = new TempDirectory();
        var hosts = Three.ToDictionary(t => t.Name, t => ModelHost.Serving(t.Name, Old, Older));
        var events = new List<string>();
        var balancer = new ModelBalancer(hosts, events, outOfService ?? []);
        var executor = new RecordingExecutor(new ModelExecutor(hosts), events, lost);
        var deployer = new ReleaseDeployer(executor, Three, new ReleaseOptions(Site, site.Path, cache.Path, TimeSpan.FromSeconds(1), UndoRetries: [TimeSpan.Zero]), _ => { }, _ => { }, probe: new ModelProbe(hosts, broken));
        var id = deployer.Package(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));
        Exception? error = null;
        try
        {
            await deployer.LockAsync(DeployLockHolder.ThisRun(id), 0);
            foreach (var host in hosts.Values)
            {
                host.Releases.Add(id);
                host.Complete.Add(id);
            }

            await deployer.RollAsync(balancer, options);
            await deployer.FinishAsync();
        }
        catch (Exception exception)
        {
            error = exception;
            try
            {
                await deployer.AbandonAsync();
            }
            catch (Exception) when (lost is not null)
            {
                // The lost host's lock cannot be released: the run says so, as ReleaseRunSession does.
            }
        }

        return new Run(hosts, id, events, balancer, error);
    }

    /// <summary>Names each cutover and undo command in the shared list of events, in the order they are sent.</summary>
    private sealed class RecordingExecutor(ModelExecutor inner, List<string> events, string? lost) : IRemoteExecutor
    {
        private bool _gone;

        public Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
        {
            _gone |= host.Name == lost && command.Summary.StartsWith("start ", StringComparison.Ordinal);
            if (_gone && host.Name == lost)
            {
                return Task.FromException<CommandResult>(new Renci.SshNet.Common.SshConnectionException("injected: the host is gone"));
            }

            var kind = command.Summary.StartsWith("undo", StringComparison.Ordinal) ? "undo"
                : command.Summary.StartsWith("start ", StringComparison.Ordinal) ? "standby"
                : command.Summary.Contains("nginx site", StringComparison.Ordinal) || command.Summary.Contains("current", StringComparison.Ordinal) ? "cutover" : null;
            if (kind is not null)
            {
                lock (events)
                {
                    events.Add($"{host.Name}: {kind}");
                }
            }

            return inner.RunAsync(host, command, cancellation);
        }

        public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => inner.RebootAsync(host, timeout, cancellation);
    }
}

/// <summary>A load balancer over model hosts: a host in service is healthy while its nginx serves a release; it counts the fewest hosts serving it ever saw.</summary>
public sealed class ModelBalancer(IReadOnlyDictionary<string, ModelHost> hosts, List<string> events, IReadOnlyList<string> outOfService) : ILoadBalancer
{
    public HashSet<string> InService { get; } = hosts.Keys.Except(outOfService).ToHashSet();

    public int FewestServing { get; private set; } = int.MaxValue;

    public Task DrainAsync(IReadOnlyList<SshTarget> batch, CancellationToken cancellation) => Change(batch, "drain", false);

    public Task EnableAsync(IReadOnlyList<SshTarget> batch, CancellationToken cancellation) => Change(batch, "enable", true);

    public Task WaitHealthyAsync(IReadOnlyList<SshTarget> batch, CancellationToken cancellation)
    {
        var sick = batch.Where(h => !Serving().Contains(h.Name)).ToList();
        if (sick.Count > 0)
        {
            throw new LoadBalancerException("not healthy: " + string.Join(", ", sick.Select(h => h.Name)));
        }

        Note(batch, "healthy");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ServingAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlyList<string>>(Serving());

    private List<string> Serving() => InService.Where(name => hosts[name].Served is not null).Order(StringComparer.Ordinal).ToList();

    private Task Change(IReadOnlyList<SshTarget> batch, string what, bool inService)
    {
        foreach (var host in batch)
        {
            if (inService)
            {
                InService.Add(host.Name);
            }
            else
            {
                InService.Remove(host.Name);
            }
        }

        Note(batch, what);
        return Task.CompletedTask;
    }

    private void Note(IReadOnlyList<SshTarget> batch, string what)
    {
        FewestServing = Math.Min(FewestServing, Serving().Count);
        lock (events)
        {
            events.AddRange(batch.Select(h => $"{what} {h.Name}"));
        }
    }
}
