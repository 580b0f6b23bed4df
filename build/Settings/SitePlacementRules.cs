namespace CoralNet.Deploy.Settings;

/// <summary>
/// Where the site goes on a web host and what it is called there: Site.Root becomes root's and is
/// written into nginx and systemd files; Site.Name names the site's folder, its nginx site, its units
/// and its system user.
/// </summary>
public static class SitePlacementRules
{
    /// <summary>Folders of the system, of people, or of the suite's people folder: the site goes in none of them, nor below.</summary>
    private static readonly string[] ForbiddenTrees =
    [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/lost+found", "/media", "/mnt", "/proc",
        "/root", "/run", "/sbin", "/snap", "/sys", "/tmp", "/usr", HostState.ConfigureHostPlan.PeopleFolder,
    ];

    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        var site = settings.Site;
        if (!SettingsPatterns.SiteName().IsMatch(site.Name))
        {
            yield return $"Site.Name: '{site.Name}' must be lower-case letters, digits, '-' or '_', starting with a letter.";
        }
        else if (site.Name == "default")
        {
            yield return "Site.Name: 'default' is the name of Debian's default nginx site, whose link the suite removes; choose another name, for example coralnet.";
        }
        else if (AccountRules.IsSystemAccount(site.Name) || site.Name == settings.Ssh.User)
        {
            yield return $"Site.Name: '{site.Name}' names the site's own system user, and that name is already an account of the system or the suite's login; choose another name, for example coralnet.";
        }

        if (!SettingsPatterns.SitePath().IsMatch(site.Root) || site.Root.Split('/').Contains(".."))
        {
            yield return $"Site.Root: '{site.Root}' must be an absolute path of the site's own, two levels deep or more, of letters, digits, '.', '_', '-' (for example /srv/www).";
        }
        else if (IsSystemFolder(site.Root.TrimEnd('/')))
        {
            yield return $"Site.Root: '{site.Root}' is in a folder of the system or of people (the suite makes Site.Root root's and mode 755, and its site folder read-only to everything else); use a folder of the site's own such as /srv/www or /var/www.";
        }
    }

    private static bool IsSystemFolder(string root) =>
        ForbiddenTrees.Any(tree => root == tree || root.StartsWith(tree + "/", StringComparison.Ordinal))
        || (root.StartsWith("/var/", StringComparison.Ordinal) && !root.StartsWith("/var/www/", StringComparison.Ordinal) && root != "/var/www");
}
