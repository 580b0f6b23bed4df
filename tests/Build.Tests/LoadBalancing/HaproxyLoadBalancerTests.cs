using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.LoadBalancing;

/// <summary>
/// How the HAProxy load balancer waits: on HAProxy's own statistics, read with each drain and return in
/// the same round trip and then again until they say what it waits for (the runtime API answered by a script).
/// </summary>
public sealed class HaproxyLoadBalancerTests
{
    private static readonly SshTarget Lb = new("lb1", "10.213.0.9");
    private static readonly SshTarget[] Web1 = [new("web1", "10.213.0.11")];

    [Test]
    public async Task A_return_whose_own_reading_shows_the_host_up_is_healthy_without_another_round_trip()
    {
        var api = new ScriptedApi(Stat("web1", 0, "UP"));
        var balancer = Balancer(api);

        await balancer.EnableAsync(Web1, default);
        await balancer.WaitHealthyAsync(Web1, default);

        Assert.That(api.Sent, Is.EqualTo(new[] { "ready web1 at the load balancer" }));
    }

    [Test]
    public async Task A_host_failing_its_checks_when_it_returns_is_read_again_until_haproxy_reports_it_up()
    {
        var api = new ScriptedApi(Stat("web1", 0, "UP 1/2"), Stat("web1", 0, "DOWN 1/2"), Stat("web1", 0, "UP"));
        var balancer = Balancer(api);

        await balancer.EnableAsync(Web1, default);
        await balancer.WaitHealthyAsync(Web1, default);

        Assert.That(api.Sent, Is.EqualTo(new[] { "ready web1 at the load balancer", "read the load balancer's servers", "read the load balancer's servers" }));
    }

    [Test]
    public async Task A_reading_from_before_a_drain_is_never_taken_for_the_next_wait()
    {
        var api = new ScriptedApi(Stat("web1", 0, "UP"), Stat("web1", 0, "DRAIN"), Stat("web1", 0, "UP 1/2"), Stat("web1", 0, "UP"));
        var balancer = Balancer(api);

        await balancer.EnableAsync(Web1, default);
        await balancer.DrainAsync(Web1, default);
        await balancer.WaitHealthyAsync(Web1, default);

        Assert.That(api.Sent, Is.EqualTo(new[] { "ready web1 at the load balancer", "drain web1 at the load balancer", "read the load balancer's servers", "read the load balancer's servers" }));
    }

    [Test]
    public async Task A_drain_reads_the_sessions_with_the_drain_and_again_until_none_is_in_flight()
    {
        var api = new ScriptedApi(Stat("web1", 2, "DRAIN"), Stat("web1", 1, "DRAIN"), Stat("web1", 0, "DRAIN"));

        await Balancer(api).DrainAsync(Web1, default);

        Assert.That(api.Sent, Is.EqualTo(new[] { "drain web1 at the load balancer", "read the load balancer's servers", "read the load balancer's servers" }));
    }

    private static HaproxyLoadBalancer Balancer(ScriptedApi api) =>
        new(api, Lb, new HaproxyCommands("/run/test.sock", "web"), "web", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), _ => { }, TimeSpan.Zero);

    private static string Stat(string server, int sessions, string status) =>
        $"# pxname,svname,scur,status\nweb,{server},{sessions},{status}\nweb,BACKEND,{sessions},UP\n";

    /// <summary>Answers each command sent to the load balancer with the next of its statistics, and keeps what was sent.</summary>
    private sealed class ScriptedApi(params string[] answers) : IRemoteExecutor
    {
        private readonly Queue<string> _answers = new(answers);

        public List<string> Sent { get; } = [];

        public Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
        {
            Sent.Add(command.Summary);
            return Task.FromResult(new CommandResult(0, _answers.Dequeue() + RemoteCommand.Ok + "\n", ""));
        }

        public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => Task.CompletedTask;
    }
}
