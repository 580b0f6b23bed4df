using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The Lock target's hold: the deploy lock taken on every web host and kept after the run. Deploys are
/// held on every host or on none: when a host refuses (another run holds it) or cannot be reached, the
/// lock already taken on the others is given back before the error.
/// </summary>
public sealed class HeldLock(IRemoteExecutor executor, OperatorCommands commands)
{
    public async Task HoldAsync(IReadOnlyList<SshTarget> hosts, DeployLockHolder holder)
    {
        var taken = new List<SshTarget>();
        var refusals = new List<string>();
        await Task.WhenAll(hosts.Select(async host =>
        {
            var refusal = await TryTakeAsync(host, holder);
            lock (refusals)
            {
                if (refusal is null)
                {
                    taken.Add(host);
                }
                else
                {
                    refusals.Add(refusal);
                }
            }
        }));
        if (refusals.Count == 0)
        {
            return;
        }

        await Task.WhenAll(taken.Select(host => executor.RunAsync(host, commands.GiveBackLock(holder))));
        var givenBack = taken.Count > 0
            ? $"{Environment.NewLine}The lock taken meanwhile on {string.Join(", ", taken.Select(h => h.Name).Order(StringComparer.Ordinal))} was given back: deploys are held on every host or on none."
            : "";
        throw new ReleaseException(string.Join(Environment.NewLine, refusals.Order(StringComparer.Ordinal)) + givenBack);
    }

    /// <summary>Null when the lock is this run's on the host; else why not.</summary>
    private async Task<string?> TryTakeAsync(SshTarget host, DeployLockHolder holder)
    {
        try
        {
            await executor.RunAsync(host, commands.HoldLock(holder));
            return null;
        }
        catch (RemoteCommandException exception) when (exception.ExitCode == DeployLockCommands.Refused)
        {
            return $"{host.Name}: {exception.Stderr.Split('\n')[0].Trim()}";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"{host.Name}: {exception.Message}";
        }
    }
}
