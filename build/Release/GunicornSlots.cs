using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>The two gunicorn instances (blue/green) of a site: Site.GunicornPort and the port after it.</summary>
public static class GunicornSlots
{
    public static IReadOnlyList<int> Ports(SiteSettings site) => [site.GunicornPort, site.GunicornPort + 1];

    /// <summary>The instance a deploy starts the new release in: the one not serving (the first one on a fresh host).</summary>
    public static int Standby(SiteSettings site, int? serving) =>
        serving == site.GunicornPort ? site.GunicornPort + 1 : site.GunicornPort;
}
