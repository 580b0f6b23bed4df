using System.Diagnostics;

namespace CoralNet.Deploy.Remote;

/// <summary>Runs commands over the pool's connections, as root (through <c>sudo -n</c> for other logins).</summary>
public sealed class SshExecutor(SshConnectionPool pool, Func<string, string> redact) : IRemoteExecutor
{
    private static readonly RemoteCommand BootId = new("cat /proc/sys/kernel/random/boot_id", "read the boot id");

    public async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
    {
        var client = await pool.GetConnectedAsync(host, cancellation);

        var script = System.Text.Encoding.UTF8.GetBytes(command.Script);
        using var ssh = client.CreateCommand(Shell.AsRoot(Shell.ScriptFromStandardInput(script.Length), pool.Options.IsRoot));
        ssh.CommandTimeout = pool.Options.CommandTimeout;
        var running = ssh.ExecuteAsync(cancellation);
        // The script first, then its own standard input (an archive, a file's text, secrets), straight
        // into the channel and never logged; closing it tells the script that it has everything.
        using (var input = ssh.CreateInputStream())
        {
            input.Write(script);
            command.Input.WriteTo(input);
        }

        await running;
        var result = new CommandResult(ssh.ExitStatus ?? -1, ssh.Result, ssh.Error);
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
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            try
            {
                if ((await RunAsync(host, BootId, cancellation)).Stdout.Trim() != before)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or HostKeyRefusedException) && clock.Elapsed < timeout)
            {
                // Not back yet.
            }

            pool.Forget(host);
            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{host}: did not come back within {timeout.TotalSeconds:0} s of the reboot.");
            }
        }
    }
}
