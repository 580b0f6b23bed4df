using System.Diagnostics;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>
/// The sandbox's HAProxy, driven through its runtime API on the load balancer host: a drained server
/// gets no new requests while HAProxy goes on checking its health; it is drained once its current
/// sessions are 0 (or the drain time has passed), and healthy once HAProxy reports it UP.
/// </summary>
/// <param name="poll">How long to wait between two readings of HAProxy's statistics (each is an SSH round trip besides).</param>
public sealed class HaproxyLoadBalancer(IRemoteExecutor executor, SshTarget balancer, HaproxyCommands commands, string backend, TimeSpan drainTime, TimeSpan healthyTime, Action<string> log, TimeSpan? poll = null) : ILoadBalancer
{
    private readonly TimeSpan _poll = poll ?? TimeSpan.FromMilliseconds(25);

    /// <summary>The statistics read with the last return to service, right after it: the first reading <see cref="WaitHealthyAsync"/> looks at.</summary>
    private (List<string> Hosts, IReadOnlyList<ServerStat> Stats)? _readOnReturn;

    public async Task DrainAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation)
    {
        _readOnReturn = null;
        var stats = await SetStateAsync(hosts, "drain", cancellation);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var busy = stats.Where(s => Names(hosts).Contains(s.Server) && s.Sessions > 0).ToList();
            if (busy.Count == 0)
            {
                log($"{balancer.Name}: {string.Join(", ", Names(hosts))} drained in {clock.Elapsed.TotalSeconds:0.0} s.");
                return;
            }

            if (clock.Elapsed >= drainTime)
            {
                log($"{balancer.Name}: drain time ({drainTime.TotalSeconds:0} s) over with requests still in flight on {string.Join(", ", busy.Select(s => $"{s.Server} ({s.Sessions})"))}; going on.");
                return;
            }

            await Task.Delay(_poll, cancellation);
            stats = await StatsAsync(cancellation);
        }
    }

    public async Task EnableAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation)
    {
        _readOnReturn = null;
        _readOnReturn = (Names(hosts), await SetStateAsync(hosts, "ready", cancellation));
    }

    public async Task WaitHealthyAsync(IReadOnlyList<SshTarget> hosts, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var returned = _readOnReturn is { } read && read.Hosts.SequenceEqual(Names(hosts)) ? read.Stats : null;
        _readOnReturn = null;
        while (true)
        {
            var stats = returned ?? await StatsAsync(cancellation);
            returned = null;
            var waiting = Names(hosts).Select(name => stats.FirstOrDefault(s => s.Server == name) ?? new ServerStat(backend, name, 0, "not a server of " + backend))
                .Where(s => !s.Serving).ToList();
            if (waiting.Count == 0)
            {
                return;
            }

            if (clock.Elapsed >= healthyTime)
            {
                throw new LoadBalancerException($"{balancer.Name} did not report {string.Join(", ", waiting.Select(s => $"{s.Server} healthy (it is {s.Status})"))} within {healthyTime.TotalSeconds:0} s.");
            }

            await Task.Delay(_poll, cancellation);
        }
    }

    public async Task<IReadOnlyList<string>> ServingAsync(CancellationToken cancellation) =>
        (await StatsAsync(cancellation)).Where(s => s.Serving).Select(s => s.Server).ToList();

    /// <summary>The backend's servers as HAProxy reports them now.</summary>
    public async Task<IReadOnlyList<ServerStat>> StatsAsync(CancellationToken cancellation) =>
        HaproxyStats.Parse((await executor.RunAsync(balancer, commands.ShowStat(), cancellation)).Stdout, backend);

    private async Task<IReadOnlyList<ServerStat>> SetStateAsync(IReadOnlyList<SshTarget> hosts, string state, CancellationToken cancellation) =>
        HaproxyStats.Parse((await executor.RunAsync(balancer, commands.SetState(Names(hosts), state), cancellation)).Stdout, backend);

    private static List<string> Names(IReadOnlyList<SshTarget> hosts) => hosts.Select(h => h.Name).ToList();
}
