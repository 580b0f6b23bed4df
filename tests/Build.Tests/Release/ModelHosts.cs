using System.Text;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using Renci.SshNet.Common;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>The site the model hosts serve: two web hosts, the release serving and the one before it.</summary>
public static class ModelSite
{
    public const string Older = "20261120T000000Z-bbbbbbbb";
    public const string Old = "20261121T000000Z-aaaaaaaa";
    public static readonly SshTarget[] Targets = [new("web1", "192.0.2.1"), new("web2", "192.0.2.2")];
    public static readonly SiteSettings Site = new() { Name = "coralnet", Domain = "coralnet.example.org", GunicornPort = 8001, KeepReleases = 5 };

    /// <summary>A deployer on the model hosts, its health checked by <see cref="ModelProbe"/>.</summary>
    public static ReleaseDeployer Deployer(IReadOnlyDictionary<string, ModelHost> hosts, IRemoteExecutor executor, string siteDirectory, string manifestCache, string? broken = null) =>
        new(executor, Targets, new ReleaseOptions(Site, siteDirectory, manifestCache, TimeSpan.FromSeconds(1)), _ => { }, _ => { }, probe: new ModelProbe(hosts, broken));
}

/// <summary>How an injected fault shows to the suite.</summary>
public enum FaultKind
{
    /// <summary>The command fails (non-zero exit).</summary>
    Failure,

    /// <summary>The SSH connection drops: the suite never learns how the command ended.</summary>
    DroppedConnection,

    /// <summary>The command's time runs out on the suite's side.</summary>
    Timeout,

    /// <summary>The run is cancelled (a signal) while the command runs.</summary>
    Cancellation,
}

/// <summary>At the <paramref name="Call"/>th command sent (from 0), after its first <paramref name="StepsApplied"/> steps took effect on the host, the suite sees <paramref name="Kind"/>.</summary>
/// <param name="Times">How many commands in a row fail so (a connection that stays down).</param>
public sealed record Fault(int Call, int StepsApplied, FaultKind Kind, int Times = 1)
{
    public bool Covers(int call) => call >= Call && call < Call + Times;

    public override string ToString() => $"{Kind} at call {Call} after {StepsApplied} step(s){(Times > 1 ? $", {Times} calls in a row" : "")}";
}

/// <summary>
/// A web host as the cutover sees it: release folders (and which are complete), <c>current</c>, the
/// gunicorn slots and the instances running, the slot nginx proxies to, and the deploy lock.
/// </summary>
public sealed class ModelHost(string name)
{
    public string Name => name;
    public SortedSet<string> Releases { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Complete { get; } = new(StringComparer.Ordinal);
    public string? Current { get; set; }
    public Dictionary<int, string> Slots { get; } = [];
    public Dictionary<int, string> Running { get; } = [];
    public int? ServingMark { get; set; }
    public int? NginxSlot { get; set; }
    public bool Locked { get; set; }

    /// <summary>The slot of the nginx site kept before a cutover.</summary>
    public int? SavedNginxSlot { get; set; }

    /// <summary>The hash of each release's manifest, where the test gives one.</summary>
    public Dictionary<string, string> Contents { get; } = [];

    /// <summary>The release a request through nginx gets: the one the instance nginx proxies to runs (null: an error page, or nothing).</summary>
    public string? Served => NginxSlot is int slot && Running.TryGetValue(slot, out var release) ? release : null;

    /// <summary>A host serving <paramref name="current"/> from slot 8001, with <paramref name="older"/> in slot 8002 (stopped).</summary>
    public static ModelHost Serving(string name, string current, string older)
    {
        var host = new ModelHost(name) { Current = current, ServingMark = 8001, NginxSlot = 8001 };
        host.Releases.UnionWith([older, current]);
        host.Complete.UnionWith([older, current]);
        host.Slots[8001] = current;
        host.Slots[8002] = older;
        host.Running[8001] = current;
        return host;
    }

    public string Listing()
    {
        var lines = new StringBuilder();
        if (Current is not null && Releases.Contains(Current))
        {
            lines.Append($"current\t{Current}\n");
            if (Contents.TryGetValue(Current, out var content))
            {
                lines.Append($"content\t{content}\n");
            }
        }

        if (ServingMark is int mark)
        {
            lines.Append($"serving\t{mark}\n");
            if (Running.ContainsKey(mark))
            {
                lines.Append("running\n");
            }
        }

        foreach (var (port, release) in Slots)
        {
            lines.Append($"slot\t{port}\t{release}\n");
        }

        if (NginxSlot is int proxied)
        {
            lines.Append($"proxied\t{proxied}\n");
        }

        foreach (var release in Releases)
        {
            lines.Append($"{(Complete.Contains(release) ? "release" : "incomplete")}\t{release}\n");
        }

        return lines.Append("ok\n").ToString();
    }

    /// <summary>What one command (one step of a batch) does here; false when its script would fail.</summary>
    public bool Apply(RemoteCommand command)
    {
        var summary = command.Summary;
        bool Has(string release) => Releases.Contains(release);
        switch (summary)
        {
            case "take deploy lock" or "hold the deploy lock":
                if (Locked)
                {
                    return false;
                }

                Locked = true;
                return true;
            case "release deploy lock":
                Locked = false;
                return true;
            case "refresh deploy lock" or "let nginx's old workers drain" or "list releases" or "enable gunicorn sockets" or "gunicorn socket unit" or "gunicorn service unit":
                return true;
            case "remove current":
                Current = null;
                return true;
            case "unmark the serving slot":
                ServingMark = null;
                return true;
            case "keep the serving nginx site":
                SavedNginxSlot = NginxSlot;
                return true;
            case "nginx site":
                NginxSlot = int.Parse(Regex.Match(((CommandInput.PlainText)command.Input).Content, @"127\.0\.0\.1:(\d+)").Groups[1].Value);
                return true;
        }

        if (Match(summary, @"^point slot (\d+) at (\S+)$") is [var point, var pointed])
        {
            Slots[int.Parse(point)] = pointed;
            return Has(pointed);
        }

        if (Match(summary, @"^restart gunicorn on (\d+)$") is [var restart])
        {
            Running[int.Parse(restart)] = Slots[int.Parse(restart)];
            return true;
        }

        if (Match(summary, @"^check gunicorn on (\d+) serves ([^\s,]+)(?:, \d+ requests at once)?$") is [var check, var wanted])
        {
            return Running.GetValueOrDefault(int.Parse(check)) == wanted;
        }

        if (Match(summary, @"^stop gunicorn on (\d+)$") is [var stop])
        {
            Running.Remove(int.Parse(stop));
            return true;
        }

        if (Match(summary, @"^switch current to (\S+)$") is [var switched])
        {
            if (!Has(switched))
            {
                return false;
            }

            Current = switched;
            return true;
        }

        if (Match(summary, @"^restore the nginx site serving (\d+)$") is [var restored])
        {
            if (SavedNginxSlot == int.Parse(restored))
            {
                NginxSlot = SavedNginxSlot;
            }

            return true;
        }

        if (Match(summary, @"^mark slot (\d+) serving$") is [var mark])
        {
            ServingMark = int.Parse(mark);
            return true;
        }

        if (Match(summary, @"^remove releases (.*)$") is [var removed])
        {
            foreach (var release in removed.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            {
                Releases.Remove(release);
                Complete.Remove(release);
            }

            return true;
        }

        throw new InvalidOperationException($"The model does not know the command '{summary}'.");
    }

    private static string[]? Match(string summary, string pattern)
    {
        var match = Regex.Match(summary, pattern);
        return match.Success ? [.. match.Groups.Values.Skip(1).Select(g => g.Value)] : null;
    }
}

/// <summary>Runs commands on model hosts, failing the one <see cref="Fault"/> names, if any, in the way it names; counts the commands sent.</summary>
public sealed class ModelExecutor(IReadOnlyDictionary<string, ModelHost> hosts, Fault? fault = null) : IRemoteExecutor
{
    private int _calls;

    /// <summary>The steps of each command sent, in order.</summary>
    public List<int> StepsPerCall { get; } = [];

    public Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var model = hosts[host.Name];
        IReadOnlyList<RemoteCommand> steps = command.Steps.Count > 0 ? command.Steps : [command];
        int call;
        lock (StepsPerCall)
        {
            call = _calls++;
            StepsPerCall.Add(steps.Count);
        }

        lock (model)
        {
            var faulted = fault is not null && fault.Covers(call);
            var applied = faulted ? (call == fault!.Call ? Math.Min(fault.StepsApplied, steps.Count) : 0) : steps.Count;
            for (var i = 0; i < applied; i++)
            {
                if (!model.Apply(steps[i]))
                {
                    var code = steps[i].Summary is "take deploy lock" or "hold the deploy lock" ? DeployLockCommands.Refused : 1;
                    return Task.FromException<CommandResult>(new RemoteCommandException(host.Name, command.Summary, code, $"{steps[i].Summary} failed on the model host"));
                }
            }

            if (faulted)
            {
                return Task.FromException<CommandResult>(fault!.Kind switch
                {
                    FaultKind.Failure => new RemoteCommandException(host.Name, command.Summary, 1, "injected failure"),
                    FaultKind.DroppedConnection => new SshConnectionException("injected: the connection dropped"),
                    FaultKind.Timeout => new SshOperationTimeoutException("injected: the command timed out"),
                    _ => new OperationCanceledException("injected: the run was cancelled"),
                });
            }

            var output = command.Summary.EndsWith("list releases", StringComparison.Ordinal) ? model.Listing() : "changed\n";
            return Task.FromResult(new CommandResult(0, output, ""));
        }
    }

    public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => throw new NotSupportedException();
}

/// <summary>Asks the model hosts which release nginx serves, as the HTTP probe asks real ones; <paramref name="broken"/> answers 502 whatever it serves.</summary>
public sealed class ModelProbe(IReadOnlyDictionary<string, ModelHost> hosts, string? broken = null) : IHealthProbe
{
    public Task<string?> WaitForAsync(SshTarget host, string id, TimeSpan within, CancellationToken cancellation)
    {
        var served = host.Name == broken ? "502" : hosts[host.Name].Served;
        return Task.FromResult(served == id ? null : $"serves {served ?? "nothing"} instead of {id}");
    }
}
