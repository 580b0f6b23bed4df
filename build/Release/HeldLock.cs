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
        var outcomes = await Task.WhenAll(hosts.Select(host => TryTakeAsync(host, holder)));
        var refusals = outcomes.Where(o => o.Problem is not null).ToList();
        if (refusals.Count == 0)
        {
            return;
        }

        // Every host that did not refuse may hold it: those that said so, and those whose answer was lost after the mkdir.
        var giveBack = outcomes.Where(o => !o.Refused).Select(o => o.Host).ToList();
        var notGivenBack = (await Task.WhenAll(giveBack.Select(GiveBackAsync))).OfType<string>().ToList();
        var problems = refusals.Select(o => o.Problem!).Order(StringComparer.Ordinal).ToList();
        if (giveBack.Count > notGivenBack.Count)
        {
            problems.Add($"The lock taken meanwhile was given back on {string.Join(", ", giveBack.Select(h => h.Name).Except(notGivenBack).Order(StringComparer.Ordinal))}: deploys are held on every host or on none.");
        }

        if (notGivenBack.Count > 0)
        {
            problems.Add($"Could not give the lock back on {string.Join(", ", notGivenBack.Order(StringComparer.Ordinal))}: run the Unlock target once it answers.");
        }

        throw new ReleaseException(string.Join(Environment.NewLine, problems));

        async Task<string?> GiveBackAsync(SshTarget host)
        {
            try
            {
                await executor.RunAsync(host, commands.GiveBackLock(holder));
                return null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return host.Name;
            }
        }
    }

    /// <param name="Refused">Another run holds the lock there: it is not this run's to give back.</param>
    private sealed record Outcome(SshTarget Host, string? Problem, bool Refused);

    private async Task<Outcome> TryTakeAsync(SshTarget host, DeployLockHolder holder)
    {
        try
        {
            await executor.RunAsync(host, commands.HoldLock(holder));
            return new Outcome(host, null, false);
        }
        catch (RemoteCommandException exception) when (exception.ExitCode == DeployLockCommands.Refused)
        {
            return new Outcome(host, $"{host.Name}: {exception.Stderr.Split('\n')[0].Trim()}", true);
        }
        catch (Exception exception)
        {
            // A lost answer (or a stop by signal) may come after the lock was taken there: it is given back like the others.
            return new Outcome(host, $"{host.Name}: {exception.Message}", false);
        }
    }
}
