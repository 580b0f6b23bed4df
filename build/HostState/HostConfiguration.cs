using System.Diagnostics;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A task's share of the wanted host state.</summary>
public sealed record PlannedTask(string Name, IReadOnlyList<IHostResource> Items);

/// <summary>
/// Brings hosts to the planned state, task by task, all hosts in parallel. Each host is inspected
/// once for every item of every task (one probe script); only items after a change on that host are
/// inspected again. In check mode nothing but the probe runs.
/// </summary>
public sealed class HostConfiguration
{
    private static readonly RemoteCommand AptUpdate = new("DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 update", "apt-get update") { Streams = true };

    private readonly IRemoteExecutor _executor;
    private readonly IReadOnlyList<PlannedTask> _plan;
    private readonly RunRecorder _recorder;
    private readonly Action<string> _log;
    private readonly TimeSpan _rebootTimeout;
    private readonly Dictionary<string, HostProgress> _hosts;

    public HostConfiguration(IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts, IReadOnlyList<PlannedTask> plan, RunRecorder recorder, Action<string> log, TimeSpan rebootTimeout)
    {
        var duplicates = plan.SelectMany(t => t.Items).GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new ArgumentException("The host plan names items twice: " + string.Join(", ", duplicates), nameof(plan));
        }

        _executor = executor;
        _plan = plan;
        _recorder = recorder;
        _log = log;
        _rebootTimeout = rebootTimeout;
        _hosts = hosts.ToDictionary(h => h.Name, h => new HostProgress(h));
    }

    /// <summary>The one script inspecting every item of <paramref name="plan"/> (see <see cref="ProbeScript"/>), as its own command: for a round trip the run makes anyway (the deploy lock's), whose output then goes to <see cref="InspectedElsewhere"/>.</summary>
    public static RemoteCommand ProbeCommand(IReadOnlyList<PlannedTask> plan) => Probe(plan.SelectMany(t => t.Items).ToList());

    /// <summary>
    /// What <see cref="ProbeCommand"/> printed on <paramref name="host"/>, sent by another round trip of the run with nothing
    /// changed on the host since: the host is inspected with it instead of a probe of its own (output that does not parse fails the host's first task, as a probe's would).
    /// </summary>
    public void InspectedElsewhere(SshTarget host, string output)
    {
        if (_hosts.TryGetValue(host.Name, out var progress))
        {
            progress.ProbedElsewhere = output;
        }
    }

    /// <summary>Runs one task's items on every host; throws once, naming every host that failed.</summary>
    public async Task RunTaskAsync(string taskName, CancellationToken cancellation = default)
    {
        var task = _plan.FirstOrDefault(t => t.Name == taskName) ?? throw new ArgumentException($"No task {taskName} in the host plan.", nameof(taskName));
        var failures = await Task.WhenAll(_hosts.Values.Where(h => h.Failure is null).Select(h => RunOnHostAsync(h, task, cancellation)));
        var messages = failures.OfType<string>().ToList();
        if (messages.Count > 0)
        {
            throw new HostConfigurationException(taskName, messages);
        }
    }

    private async Task<string?> RunOnHostAsync(HostProgress host, PlannedTask task, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (!host.Inspected)
            {
                var items = _plan.SelectMany(t => t.Items).ToList();
                if (host.ProbedElsewhere is { } output)
                {
                    Remember(host, items, output);
                }
                else
                {
                    await ProbeAsync(host, items, cancellation);
                }

                host.Inspected = true;
            }

            for (var i = 0; i < task.Items.Count; i++)
            {
                // A change may have moved anything (installing nginx creates its default site): what
                // was inspected before it is stale, so the rest of this task is inspected again.
                if (!host.State.ContainsKey(task.Items[i].Id))
                {
                    await ProbeAsync(host, task.Items.Skip(i).ToList(), cancellation);
                }

                await ApplyAsync(host, task, task.Items[i], cancellation);
            }

            return null;
        }
        // Whatever stops one host (a refused key, a dropped connection, a failed item) is that host's
        // failure: the other hosts go on, and every failure is reported together.
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (exception is not ItemFailedException)
            {
                // Connecting or inspecting failed: no item recorded it.
                _recorder.Record(new ItemRecord(task.Name, host.Target.Name, "inspect host", ItemStatus.Failed, clock.Elapsed, exception.Message));
            }

            host.Failure = exception.Message;
            return exception.Message;
        }
        finally
        {
            _recorder.Record(new TaskRecord(task.Name, host.Target.Name, clock.Elapsed));
        }
    }

    private async Task ProbeAsync(HostProgress host, IReadOnlyList<IHostResource> items, CancellationToken cancellation)
    {
        var result = await _executor.RunAsync(host.Target, Probe(items), cancellation);
        Remember(host, items, result.Stdout);
    }

    private static RemoteCommand Probe(IReadOnlyList<IHostResource> items) => new(ProbeScript.Build(items), $"inspect {items.Count} items");

    private static void Remember(HostProgress host, IReadOnlyList<IHostResource> items, string probeOutput)
    {
        var sections = ProbeScript.Parse(probeOutput, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            host.State[items[i].Id] = sections[i];
        }
    }

    private async Task ApplyAsync(HostProgress host, PlannedTask task, IHostResource item, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var name = host.Target.Name;
        Change? change;
        try
        {
            change = item.Plan(host.State[item.Id]);
        }
        catch (FormatException exception)
        {
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Failed, clock.Elapsed, exception.Message));
            throw new ItemFailedException($"{name}: cannot read the state of {item.Id}: {exception.Message}", exception);
        }

        if (change is null)
        {
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Ok, clock.Elapsed, ""));
            return;
        }

        if (change.Kind == ChangeKind.Pending)
        {
            _log($"{name}: {change.Reason}");
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Ok, clock.Elapsed, change.Reason));
            _recorder.Notice(name, change.Reason);
            return;
        }

        if (_recorder.Check)
        {
            _log($"{name}: would change {item.Id}: {change.Reason}" + (change.Command is null ? "" : $" (would run: {change.Command.Display})"));
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Changed, clock.Elapsed, change.Reason));
            return;
        }

        try
        {
            _log($"{name}: changing {item.Id}: {change.Reason}");
            if (change.Kind == ChangeKind.CommandAfterPackageLists && !host.PackageListsUpdated)
            {
                await _executor.RunAsync(host.Target, AptUpdate, cancellation);
                host.PackageListsUpdated = true;
            }

            if (change.Kind == ChangeKind.Reboot)
            {
                await _executor.RebootAsync(host.Target, _rebootTimeout, cancellation);
            }
            else
            {
                await _executor.RunAsync(host.Target, change.Command!, cancellation);
            }

            host.State.Clear();
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Changed, clock.Elapsed, change.Reason));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _recorder.Record(new ItemRecord(task.Name, name, item.Id, ItemStatus.Failed, clock.Elapsed, exception.Message));
            throw new ItemFailedException(exception.Message, exception);
        }
    }

    private sealed class HostProgress(SshTarget target)
    {
        public SshTarget Target { get; } = target;

        public Dictionary<string, IReadOnlyList<string>> State { get; } = [];

        public bool Inspected { get; set; }

        /// <summary>The whole plan's probe output, read in another round trip of the run (see <see cref="InspectedElsewhere"/>).</summary>
        public string? ProbedElsewhere { get; set; }

        public bool PackageListsUpdated { get; set; }

        public string? Failure { get; set; }
    }
}

/// <summary>A task failed on one or more hosts; each host's error is listed.</summary>
public sealed class HostConfigurationException(string task, IReadOnlyList<string> failures)
    : Exception($"{task} failed on {failures.Count} host(s):{Environment.NewLine}" + string.Join(Environment.NewLine, failures));

/// <summary>An item failed and was recorded as such.</summary>
internal sealed class ItemFailedException(string message, Exception inner) : Exception(message, inner);
