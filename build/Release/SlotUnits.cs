using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The systemd units of the two instances a cutover starts and stops, by Site.Runtime: gunicorn in a
/// release's venv behind a socket systemd holds (host), or a container of the release's image run by
/// the hosts' engine, under the same unit name, with no socket (container).
/// </summary>
public sealed class SlotUnits(SiteSettings site, ReleaseCommands commands)
{
    /// <summary>The unit files the host does not have as wanted yet.</summary>
    public IReadOnlyList<RemoteCommand> Missing(ReleaseListing host) => site.Runtime == SiteRuntime.Container
        ? commands.Files.ContainerUnit(host, SiteTemplates.ContainerService(site, commands.Paths, commands.Engine))
        : commands.Files.GunicornUnits(host, SiteTemplates.GunicornSocket(site), SiteTemplates.GunicornService(site, commands.Paths));

    /// <summary>Marks <paramref name="serving"/> as the instance nginx sends requests to (none when null); a container one is also the one started at boot.</summary>
    public IReadOnlyList<RemoteCommand> Serve(int? serving)
    {
        IReadOnlyList<RemoteCommand> mark = [serving is int port ? commands.Cutover.MarkServingSlot(port) : commands.Cutover.UnmarkServingSlot()];
        return site.Runtime == SiteRuntime.Container
            ? [.. mark, commands.Cutover.StartAtBoot(serving, GunicornSlots.Ports(site).Where(port => port != serving))]
            : mark;
    }

    /// <summary>Whether the host's marks agree with <paramref name="serving"/>, the instance nginx proxies to: marked serving, and for containers the only one started at boot.</summary>
    public bool Agree(ReleaseListing host, int serving) =>
        host.ServingSlot == serving && (site.Runtime != SiteRuntime.Container || host.BootSlots is [var boot] && boot == serving);

    /// <summary>What a standby start needs first: the missing units, and gunicorn's listening sockets.</summary>
    public IReadOnlyList<RemoteCommand> Prepare(ReleaseListing host) => site.Runtime == SiteRuntime.Container
        ? Missing(host)
        : [.. Missing(host), commands.Cutover.EnableSockets(GunicornSlots.Ports(site))];
}
