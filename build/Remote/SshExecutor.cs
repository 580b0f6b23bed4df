using System.Diagnostics;
using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Remote;

/// <summary>Runs commands over the pool's connections, as root (through <c>sudo -n</c> for other logins).</summary>
/// <param name="progress">Where a command running longer than <see cref="Heartbeat.Interval"/> says it still runs (masked); nowhere when null.</param>
public sealed class SshExecutor(SshConnectionPool pool, Func<string, string> redact, Action<string>? progress = null, TimeProvider? time = null) : IRemoteExecutor
{
    /// <summary>How much longer than the suite a script may run on the host before the host ends it.</summary>
    public static readonly TimeSpan HostTimeoutGrace = TimeSpan.FromSeconds(15);

    private static readonly RemoteCommand BootId = new("cat /proc/sys/kernel/random/boot_id", "read the boot id");

    public async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
    {
        var client = await pool.GetConnectedAsync(host, cancellation);

        var script = System.Text.Encoding.UTF8.GetBytes(command.Script);
        var streams = command.Streams || command.Echo is not null;
        // The host's own timeout a little after the suite's: the suite gives up first and says so. A
        // command whose output is the result (Logs --follow, Manage) runs as long as the operator wants.
        var limit = command.Echo is null ? pool.Options.CommandTimeout : (TimeSpan?)null;
        using var ssh = client.CreateCommand(Shell.AsRoot(Shell.ScriptFromStandardInput(script.Length, streams), pool.Options.IsRoot, limit + HostTimeoutGrace));
        ssh.CommandTimeout = limit ?? Timeout.InfiniteTimeSpan;
        using var heartbeat = command.Echo is null ? Beat($"{host.Name}: {command.Summary}") : null;
        var line = command.Echo ?? heartbeat!.Observe;
        var running = ssh.ExecuteAsync(cancellation);
        // A streaming command's output is read as it comes: the heartbeat (or the echo) gets each line.
        var output = streams ? StreamReading.ReadAsync(ssh.OutputStream, line) : null;
        var error = streams ? StreamReading.ReadAsync(ssh.ExtendedOutputStream, line) : null;
        // The script first, then its own standard input (an archive, a file's text, secrets), straight
        // into the channel and never logged; closing it tells the script that it has everything.
        var input = ssh.CreateInputStream();
        try
        {
            input.Write(script);
            command.Input.WriteTo(input);
            if (!command.RunsUntilInputCloses)
            {
                input.Dispose();
            }

            using var closeOnCancel = command.RunsUntilInputCloses ? cancellation.Register(input.Dispose) : default;
            await running;
        }
        finally
        {
            input.Dispose();
        }
        var result = new CommandResult(ssh.ExitStatus ?? -1, output is null ? ssh.Result : await output, error is null ? ssh.Error : await error);
        if (result.ExitCode != 0)
        {
            throw new RemoteCommandException(host.Name, redact(command.Display), result.ExitCode, redact(result.Stderr));
        }

        return result;
    }

    public async Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var before = (await RunAsync(host, BootId, cancellation)).Stdout.Trim();
        // Detached, so that the command returns before the connection drops.
        await RunAsync(host, new RemoteCommand("nohup sh -c 'sleep 1; systemctl reboot' >/dev/null 2>&1 &", "reboot"), cancellation);
        pool.Forget(host);
        var clock = Stopwatch.StartNew();
        using var heartbeat = Beat($"{host.Name}: waiting for the reboot");
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            try
            {
                if ((await RunAsync(host, BootId, cancellation)).Stdout.Trim() != before)
                {
                    return;
                }

                heartbeat.Observe("answers, still on the boot before the reboot");
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or HostKeyRefusedException) && clock.Elapsed < timeout)
            {
                // Not back yet.
                heartbeat.Observe("not back yet: " + exception.Message);
            }

            pool.Forget(host);
            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{host}: did not come back within {timeout.TotalSeconds:0} s of the reboot.");
            }
        }
    }

    private Heartbeat Beat(string what) => new(what, progress ?? (_ => { }), redact, time);
}
