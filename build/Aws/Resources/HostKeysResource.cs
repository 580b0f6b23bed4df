using Amazon.EC2.Model;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// A web instance's SSH host keys in Ssh.KnownHosts, read from its console output. Keys already held
/// for the address are kept without waiting; a changed key is refused. The wait for a new
/// instance's keys runs at the end, beside the database's. With Ssh.TrustOnFirstUse the console
/// is read once and never waited for: the first connection records the key it is shown.
/// </summary>
public sealed class HostKeysResource(AwsContext context, WebHostState host) : IAwsResource
{
    private string KnownHostsFile => context.PathInRepository(context.Settings.Ssh.KnownHosts);

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var ssh = context.Settings.Ssh;
        var resource = $"known_hosts entry of {host.PublicIp ?? "the new address"} in {ssh.KnownHosts}";
        if (host.Instance is null || host.PublicIp is null)
        {
            return ResourceChange.Create(resource,
                ssh.TrustOnFirstUse ? "host keys from the console output if printed, else the first connection's (Ssh.TrustOnFirstUse)" : "host keys from the new instance's console output",
                ct => RecordAsync(state, ct));
        }

        var known = KnownHosts.Load(KnownHostsFile).KeysFor(host.PublicIp, ssh.Port);
        var console = await ConsoleKeysAsync(cancellationToken);
        if (console.Count > 0 && known.Count > 0 && !HostKeys.SameKeys(console, known))
        {
            return ResourceChange.Update(resource, [("host keys differ from the console output (refused)", _ => throw new InvalidOperationException(
                $"The host keys {host.PublicIp} prints on its console differ from those {ssh.KnownHosts} trusts; a changed key is never " +
                "accepted silently. If the instance was replaced on purpose, delete its old lines from that file and run Provision again."))]);
        }

        if (known.Count > 0 || (console.Count == 0 && ssh.TrustOnFirstUse))
        {
            return ResourceChange.Unchanged(resource);
        }

        return ResourceChange.Create(resource,
            console.Count > 0 ? $"{console.Count} host keys from the console output" : "host keys from the console output, once the instance prints them",
            ct => RecordAsync(state, ct));
    }

    private async Task<IReadOnlyList<byte[]>> ConsoleKeysAsync(CancellationToken cancellationToken)
    {
        var output = await context.Clients.Ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = host.Instance!.InstanceId, Latest = true }, cancellationToken);
        return HostKeys.FromConsoleOutput(output.Output);
    }

    private async Task RecordAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var keys = await ConsoleKeysAsync(cancellationToken);
        if (keys.Count > 0)
        {
            Record(keys);
        }
        else if (context.Settings.Ssh.TrustOnFirstUse)
        {
            context.Log.Warning($"No host keys in the console output of {host.Instance!.InstanceId} yet: Ssh.TrustOnFirstUse is on, so the first connection will record the key it is shown.");
        }
        else
        {
            state.WaitAtTheEnd(ct => WaitAndRecordAsync(ct));
        }
    }

    private async Task WaitAndRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keys = await Waiter.UntilAsync($"host keys of {host.Instance!.InstanceId} in its console output", async ct =>
            {
                var found = await ConsoleKeysAsync(ct);
                return (found.Count > 0, found.Count > 0 ? $"{found.Count} keys" : "not printed yet", found);
            }, context.Wait, context.Log, cancellationToken);
            Record(keys);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException(
                $"{exception.Message} Without the host keys the suite will not connect to {host.PublicIp}. Run again later, or set Ssh.TrustOnFirstUse to accept the first key shown.", exception);
        }
    }

    private void Record(IReadOnlyList<byte[]> keys)
    {
        KnownHosts.Replace(KnownHostsFile, host.PublicIp!, context.Settings.Ssh.Port, keys);
        context.Log.Information($"Recorded {keys.Count} host keys of {host.PublicIp} in {context.Settings.Ssh.KnownHosts}.");
    }
}
