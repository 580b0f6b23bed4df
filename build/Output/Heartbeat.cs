namespace CoralNet.Deploy.Output;

/// <summary>
/// Says that a long step is still running: every <see cref="Interval"/> until disposed, one line
/// with what it is, how long it has run and the latest line of its output, masked by
/// <paramref name="redact"/> before it is reported. A step done within the interval says nothing.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    /// <summary>At most this long between two signs of life.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly string _what;
    private readonly Action<string> _report;
    private readonly Func<string, string> _redact;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly ITimer _timer;
    private volatile string? _latest;

    public Heartbeat(string what, Action<string> report, Func<string, string> redact, TimeProvider? time = null, TimeSpan? interval = null)
    {
        _what = what;
        _report = report;
        _redact = redact;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        var every = interval ?? Interval;
        _timer = _time.CreateTimer(_ => Beat(), null, every, every);
    }

    /// <summary>Takes a line of the step's output; the latest non-blank one goes with the next beat.</summary>
    public void Observe(string line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            _latest = line.Trim();
        }
    }

    /// <summary>Elapsed time as minutes and seconds, to the nearest second: 0m05s, 12m40s.</summary>
    public static string Format(TimeSpan elapsed)
    {
        var seconds = (int)Math.Round(elapsed.TotalSeconds);
        return $"{seconds / 60}m{seconds % 60:00}s";
    }

    private void Beat()
    {
        var latest = _latest;
        _report(_redact($"{_what}: still running, {Format(_time.GetElapsedTime(_started))} elapsed" + (latest is null ? "" : $"; last output: {latest}")));
    }

    public void Dispose() => _timer.Dispose();
}
