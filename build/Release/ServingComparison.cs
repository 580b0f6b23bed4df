using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Release;

/// <summary>What the hosts serve (as read under the lock), compared with what a deploy would install.</summary>
public static class ServingComparison
{
    /// <summary>The release serving on every host when it holds exactly the package's files (its manifest's hash), else null.</summary>
    public static string? SameFiles(IReadOnlyList<HostRelease> hosts, ReleasePackage package) =>
        hosts.Select(h => h.Before.Current).Distinct().ToList() is [string serving]
        && hosts.All(h => h.Before.CurrentContent == package.ContentHash && h.Before.Releases.Contains(serving))
            ? serving
            : null;

    /// <summary>
    /// Whether <paramref name="release"/> serves on every host from a gunicorn instance that runs, and the
    /// environment file, the maintenance page, the slot units and the nginx site are what the run would install.
    /// </summary>
    public static bool UpToDate(IReadOnlyList<HostRelease> hosts, string release, ReleaseCommands commands, SiteSettings site, NginxSites nginx, SiteEnvironment environment) =>
        hosts.All(h =>
            h.Before.ServingSlot is int serving && h.Before.ServingRuns && h.Before.Slots.GetValueOrDefault(serving) == release
            && commands.Files.SettingsFiles(h.Before, SiteTemplates.EnvironmentFile(site, nginx.Environment(h.Host, h.Before, environment)), SiteTemplates.MaintenancePage(site)).Count == 0
            && new SlotUnits(site, commands).Missing(h.Before).Count == 0
            && HostFileCommands.HasNginxSite(h.Before, commands.Paths, nginx.For(h.Host, h.Before, serving)));
}
