using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>How the release commands are written as sh scripts: one command, one batch of them, a file carried inline.</summary>
public static class HostScript
{
    /// <summary>Debian's Python: what the host's own scripts run (a release's code runs its venv's).</summary>
    public const string SystemPython = "/usr/bin/python3";

    /// <summary>
    /// Several commands as one script, one round trip: each step runs in its own subshell, in order, and
    /// the first that fails ends the batch (its output then goes to standard error). The steps' output
    /// is kept but for each one's last line; the batch reports changed when any step did. At most one
    /// step reads standard input.
    /// </summary>
    public static RemoteCommand Batch(string title, IReadOnlyList<RemoteCommand> steps)
    {
        if (steps.Count == 1)
        {
            return steps[0];
        }

        var inputs = steps.Where(s => s.Input is not CommandInput.Nothing).ToList();
        if (inputs.Count > 1)
        {
            throw new ArgumentException($"Only one step of a batch can read standard input ({string.Join(", ", inputs)}).", nameof(steps));
        }

        string Script(Func<RemoteCommand, string> text) =>
            "set -eu\nstatus=ok\nout=$(mktemp)\ntrap 'code=$?; if [ $code -ne 0 ]; then cat \"$out\" >&2; fi; rm -f \"$out\"' EXIT\n"
            + string.Concat(steps.Select((step, i) => $$"""
                step{{i}}() (
                {{text(step)}}
                )
                step{{i}} > "$out"
                sed '$d' "$out"
                if [ "$(tail -n 1 "$out")" = changed ]; then status=changed; fi

                """))
            + "echo \"$status\"\n";
        return new RemoteCommand(Script(s => s.Script), title) { Display = Script(s => s.Display), Input = inputs.FirstOrDefault()?.Input ?? CommandInput.None, Steps = steps, Streams = steps.Any(s => s.Streams) };
    }

    /// <summary>
    /// <paramref name="command"/> (a script printing a report, not ending with ok or changed, perhaps failing
    /// part-way as a probe may) as a batch step after <paramref name="steps"/>: its whole output kept, after a line
    /// at which <see cref="SplitAfterReport"/> splits the batch's output.
    /// </summary>
    public static RemoteCommand WithReport(string title, IReadOnlyList<RemoteCommand> steps, RemoteCommand command) => Batch(title,
    [
        .. steps,
        Command(command.Summary, $"set +eu\necho '{ReportLine}'\n{command.Script}\necho ok") with { Display = $"set +eu\necho '{ReportLine}'\n{command.Display}\necho ok" },
    ]);

    /// <summary>The output of a <see cref="WithReport"/> batch: what its steps printed, and the report (empty when the batch printed none).</summary>
    public static (string Steps, string Report) SplitAfterReport(string output)
    {
        var at = output.IndexOf(ReportLine + "\n", StringComparison.Ordinal);
        return at < 0 ? (output, "") : (output[..at], output[(at + ReportLine.Length + 1)..]);
    }

    private const string ReportLine = "--- report ---";

    /// <summary>sh that writes <paramref name="content"/> to <paramref name="file"/> exactly, carried in the script (base64), so that it needs no standard input.</summary>
    public static string WriteInline(string file, string content) =>
        $"printf '%s' {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content))} | base64 -d > {file}";

    /// <summary>A command from its summary and its script.</summary>
    public static RemoteCommand Command(string title, string script) => new(script, title);

    /// <summary>The command with its output crossing the wire as it comes (a long step: the heartbeat shows its latest line).</summary>
    public static RemoteCommand Streaming(RemoteCommand command) => command with { Streams = true };
}
