using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CoralNet.Deploy.HostState;

public enum ItemStatus
{
    Ok,
    Changed,
    Failed,
}

/// <summary>One item's outcome on one host, within a task.</summary>
public sealed record ItemRecord(string Task, string Host, string Item, ItemStatus Status, TimeSpan Duration, string Detail);

/// <summary>One task's time on one host (probe included).</summary>
public sealed record TaskRecord(string Task, string Host, TimeSpan Duration);

/// <summary>One task of the run as a whole, whether or not it reached a host: how long it took and how it ended (succeeded, failed, skipped).</summary>
public sealed record StepRecord(string Task, TimeSpan Duration, string Outcome);

/// <summary>Collects what happened on each host, host configuration and release steps alike: for each task's line, the closing recap and the JSON report.</summary>
public sealed class RunRecorder(bool check)
{
    private readonly object _gate = new();
    private readonly List<ItemRecord> _items = [];
    private readonly List<TaskRecord> _tasks = [];
    private readonly List<StepRecord> _steps = [];
    private readonly List<(string Host, string Text)> _notices = [];

    public bool Check => check;

    /// <summary>The task running now, for steps that record without knowing which task called them.</summary>
    public string? CurrentTask { get; set; }

    /// <summary>SSH connections the run opened, for the report (reuse keeps it at one per host).</summary>
    public int ConnectionsOpened { get; set; }

    public IReadOnlyList<ItemRecord> Items
    {
        get
        {
            lock (_gate)
            {
                return _items.ToList();
            }
        }
    }

    public void Record(ItemRecord item)
    {
        lock (_gate)
        {
            _items.Add(item);
        }
    }

    /// <summary>Something the run left for later on a host (a pending reboot), said after the recap's counts.</summary>
    public void Notice(string host, string text)
    {
        lock (_gate)
        {
            _notices.Add((host, text));
        }
    }

    public void Record(TaskRecord task)
    {
        lock (_gate)
        {
            _tasks.Add(task);
        }
    }

    public void Record(StepRecord step)
    {
        lock (_gate)
        {
            _steps.Add(step);
        }
    }

    public sealed record HostCounts(string Host, int Ok, int Changed, int Failed);

    public IReadOnlyList<HostCounts> Counts()
    {
        lock (_gate)
        {
            return _items.Select(i => i.Host).Concat(_tasks.Select(t => t.Host)).Distinct().Order(StringComparer.Ordinal)
                .Select(host => new HostCounts(
                    host,
                    _items.Count(i => i.Host == host && i.Status == ItemStatus.Ok),
                    _items.Count(i => i.Host == host && i.Status == ItemStatus.Changed),
                    _items.Count(i => i.Host == host && i.Status == ItemStatus.Failed)))
                .ToList();
        }
    }

    /// <summary>
    /// One line saying what <paramref name="task"/> changed (or would, or failed at) on each host, for
    /// example <c>UploadCode: web1 changed: upload R (1 file(s) sent, ...)</c>; null when it changed nothing.
    /// </summary>
    public string? TaskLine(string task)
    {
        var hosts = Items.Where(i => i.Task == task && i.Status != ItemStatus.Ok).GroupBy(i => i.Host).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (hosts.Count == 0)
        {
            return null;
        }

        return task + ": " + string.Join("; ", hosts.Select(host =>
        {
            var failed = host.Where(i => i.Status == ItemStatus.Failed).ToList();
            return failed.Count > 0
                ? $"{host.Key} failed: {string.Join(", ", failed.Select(i => i.Item))}"
                : $"{host.Key} {(check ? "would change" : "changed")}: {string.Join(", ", host.Select(i => i.Detail.Length == 0 ? i.Item : $"{i.Item} ({i.Detail})"))}";
        }));
    }

    /// <summary>The per-host recap, as Ansible's PLAY RECAP lays it out.</summary>
    public IEnumerable<string> Recap()
    {
        var counts = Counts();
        var width = counts.Select(c => c.Host.Length).DefaultIfEmpty(4).Max();
        yield return check ? "RECAP (check mode: 'changed' counts what would change; nothing was changed)" : "RECAP";
        foreach (var c in counts)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{c.Host.PadRight(width)} : ok={c.Ok,-4} changed={c.Changed,-4} failed={c.Failed}");
        }

        List<(string Host, string Text)> notices;
        lock (_gate)
        {
            notices = [.. _notices];
        }

        foreach (var (host, text) in notices)
        {
            yield return $"{host}: {text}";
        }
    }

    public string ToJson()
    {
        lock (_gate)
        {
            var report = new
            {
                check,
                connectionsOpened = ConnectionsOpened,
                steps = _steps.Select(s => new { task = s.Task, outcome = s.Outcome, durationMs = Math.Round(s.Duration.TotalMilliseconds, 1) }),
                hosts = Counts().Select(c => new { host = c.Host, ok = c.Ok, changed = c.Changed, failed = c.Failed }),
                tasks = _tasks.Select(t => new { task = t.Task, host = t.Host, durationMs = Math.Round(t.Duration.TotalMilliseconds, 1) }),
                items = _items.Select(i => new
                {
                    task = i.Task,
                    host = i.Host,
                    item = i.Item,
                    status = i.Status.ToString().ToLowerInvariant(),
                    durationMs = Math.Round(i.Duration.TotalMilliseconds, 1),
                    detail = i.Detail,
                }),
            };
            return JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        }
    }
}
