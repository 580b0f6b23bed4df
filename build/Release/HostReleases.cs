using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>The run's web hosts, each with its <see cref="HostRelease"/>: read under the lock, or when a step needs a host not read yet.</summary>
public sealed class HostReleases(IReadOnlyList<SshTarget> hosts, SiteSettings site, ReleaseRunner runner, ReleaseCommands commands)
{
    private readonly Dictionary<string, HostRelease> _known = [];

    public IReadOnlyList<SshTarget> Targets => hosts;

    /// <summary>Keeps what the host holds now (read under the lock), with the instance the new release starts in.</summary>
    public void Remember(SshTarget host, ReleaseListing listing)
    {
        lock (_known)
        {
            _known[host.Name] = new HostRelease(host, listing, GunicornSlots.Standby(site, listing.ServingSlot));
        }
    }

    public HostRelease? Known(SshTarget host)
    {
        lock (_known)
        {
            return _known.GetValueOrDefault(host.Name);
        }
    }

    /// <summary>The host's state, read from it first when this run has not yet.</summary>
    public async Task<HostRelease> GetAsync(SshTarget host)
    {
        if (Known(host) is null)
        {
            await InspectAsync(host);
        }

        return Known(host)!;
    }

    /// <summary>Reads every host afresh.</summary>
    public Task InspectAllAsync() => Task.WhenAll(hosts.Select(InspectAsync));

    public IReadOnlyList<HostRelease> All()
    {
        lock (_known)
        {
            return [.. _known.Values];
        }
    }

    public IReadOnlyDictionary<string, ReleaseListing> Listings() => All().ToDictionary(s => s.Host.Name, s => s.Before);

    /// <summary>What served before this run on the hosts (the first host that served anything).</summary>
    public string? ServingBefore => All().Select(s => s.Before.Current).FirstOrDefault(c => c is not null);

    private async Task InspectAsync(SshTarget host) =>
        Remember(host, ReleaseListing.Parse((await runner.RunAsync(host, commands.ListReleases())).Stdout));
}
