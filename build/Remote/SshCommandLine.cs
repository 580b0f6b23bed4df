using System.Diagnostics;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// The OpenSSH client's command line to a host, with the suite's key and known_hosts and host keys
/// always verified: what Shell prints or runs, and how an interactive Manage gets a terminal.
/// </summary>
public static class SshCommandLine
{
    /// <param name="remoteCommand">Run as root on a terminal (through sudo for other logins); a login shell when null.</param>
    public static LocalCommand For(SshOptions options, SshTarget host, string? remoteCommand = null)
    {
        List<string> arguments =
        [
            "-i", options.PrivateKeyFile,
            "-o", "IdentitiesOnly=yes",
            "-o", "UserKnownHostsFile=" + options.KnownHostsFile,
            "-o", "StrictHostKeyChecking=yes",
            "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        if (remoteCommand is not null)
        {
            arguments.Add("-t");
        }

        arguments.Add($"{options.User}@{host.Address}");
        if (remoteCommand is not null)
        {
            arguments.Add(Shell.AsRoot(remoteCommand, options.IsRoot));
        }

        return new LocalCommand("ssh", arguments);
    }

    /// <summary>Runs the command on this terminal (standard input, output and error are the suite's) and returns its exit code.</summary>
    public static int RunOnTerminal(LocalCommand command)
    {
        var start = new ProcessStartInfo(command.Program) { UseShellExecute = false };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{command.Program}' could not be started; is the OpenSSH client installed?");
        process.WaitForExit();
        return process.ExitCode;
    }
}
