using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>What earlier runs that failed, were stopped or were killed left on a host, put right under the lock before this run changes anything.</summary>
public sealed class LeftoverRepair(ReleaseRunner runner, ReleaseCommands commands, SiteSettings site)
{
    /// <summary>
    /// The serving mark (and the container started at boot) put back on the instance nginx proxies to, <c>current</c>
    /// put back on the release it serves (a run killed mid-cutover may have moved either), and the incomplete
    /// releases removed (never one that serves or that a gunicorn slot names).
    /// </summary>
    public async Task RunAsync(HostRelease host)
    {
        var slots = new SlotUnits(site, commands);
        if (host.Before is { ProxiedSlot: int proxied } listing && listing.Slots.ContainsKey(proxied) && !slots.Agree(listing, proxied))
        {
            var found = listing.ServingSlot == proxied
                ? $"slot {proxied} served while {(listing.BootSlots.Count == 0 ? "no instance" : "slot " + string.Join(" and ", listing.BootSlots))} started at boot"
                : $"nginx proxied to slot {proxied} while the marks named {(listing.ServingSlot is int marked ? $"slot {marked}" : "none")}";
            await runner.RunAsync(host.Host, HostScript.Batch($"mark slot {proxied} serving again", slots.Serve(proxied)), found + ": an earlier run stopped mid-cutover");
            host.ServingPutBack(proxied, GunicornSlots.Standby(site, proxied));
        }

        var before = host.Before;
        if (before.ServingSlot is int slot && before.Slots.GetValueOrDefault(slot) is { } served && served != before.Current && before.Releases.Contains(served))
        {
            await runner.RunAsync(host.Host, commands.Cutover.SwitchCurrent(served), $"current named {before.Current ?? "nothing"} while nginx served {served}: an earlier run stopped mid-cutover");
            host.CurrentPutBack(served);
        }

        var left = host.Before.Incomplete.Where(r => r != host.Before.Current && !host.Before.Slots.Values.Contains(r)).ToList();
        if (left.Count > 0)
        {
            await runner.RunAsync(host.Host, commands.RemoveReleases(left), $"incomplete release(s) left by an earlier run: {string.Join(", ", left)}");
            host.IncompleteRemoved();
        }
    }
}
