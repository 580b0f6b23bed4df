using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Logs")]
[TaskDescription("The serving gunicorn instance's journal and nginx's access and error logs of every web host, each line prefixed by its host (--follow: until Ctrl-C)")]
[TaskArgument(LinesOption, typeof(int), "how many of the last lines of each log", Placeholder = "N", Default = "50")]
[TaskArgument(SinceOption, typeof(string), "the journal from this time on (journalctl's syntax: '2026-12-01 10:00', '1 hour ago', today)", Placeholder = "TIME")]
[TaskArgument(GrepOption, typeof(string), "only lines matching this extended regular expression", Placeholder = "REGEX")]
[TaskArgument(FollowOption, typeof(bool), "keep printing new lines until Ctrl-C")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class LogsTask(RunConnections connections, ICakeLog log, RunSignals signals) : OperatorTask(connections)
{
    public const string LinesOption = "lines";
    public const string SinceOption = "since";
    public const string GrepOption = "grep";
    public const string FollowOption = "follow";

    public static int Lines(DeployContext context)
    {
        var lines = context.Options.Get<int>(LinesOption);
        return lines > 0 ? lines : throw new InvalidOperationException($"--lines={lines}: give a whole number above 0.");
    }

    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var follow = context.Options.Get<bool>(FollowOption);
        if (follow)
        {
            // Following ends with Ctrl-C (or a CI's SIGTERM): that is its normal end, not a failure.
            signals.EndsOnSignal();
        }

        try
        {
            await Task.WhenAll(hosts.Select(host => executor.RunAsync(
                host,
                commands.Logs(Lines(context), context.Options.Get<string?>(SinceOption), context.Options.Get<string?>(GrepOption), follow, line => Print(host, line)),
                signals.Stopping)));
        }
        catch (OperationCanceledException) when (signals.Stopping.IsCancellationRequested)
        {
            log.Verbose("Logs: stopped.");
        }
    }

    private void Print(SshTarget host, string line)
    {
        if (line.Length > 0)
        {
            log.Information("{0}: {1}", host.Name, line);
        }
    }
}
