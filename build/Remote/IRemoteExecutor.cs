namespace CoralNet.Deploy.Remote;

/// <summary>Runs commands on hosts: the one way anything reaches a host.</summary>
public interface IRemoteExecutor
{
    /// <summary>Runs the command as root; a non-zero exit raises <see cref="RemoteCommandException"/>.</summary>
    Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default);

    /// <summary>Reboots the host and returns once it answers again, on a new connection.</summary>
    Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default);
}
