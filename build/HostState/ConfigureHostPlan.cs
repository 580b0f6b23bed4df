using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// The wanted state of a web host, task by task: what the manual EC2 setup did, as data, with least
/// privilege: the site runs as a system user of its own that can change none of its code, root reads
/// nothing another account can change, and people share a folder no service can write.
/// </summary>
public static class ConfigureHostPlan
{
    public const string UpgradePackages = "UpgradePackages";
    public const string CreateUsers = "CreateUsers";
    public const string PrepareWebRoot = "PrepareWebRoot";
    public const string InstallPackages = "InstallPackages";
    public const string RemoveDefaultSite = "RemoveDefaultSite";
    public const string SecureHost = "SecureHost";
    public const string SudoersTemplate = "sudoers.template";
    public const string SshdTemplate = "sshd-coralnet.conf";
    public const string UnattendedUpgradesTemplate = "unattended-upgrades.conf";

    /// <summary>The group of the people's logins, owning their shared folder: neither nginx (www-data) nor the site's user is in it.</summary>
    public const string PeopleGroup = "people";

    /// <summary>Where people work together (setgid: files keep the group; sticky: only a file's owner removes it).</summary>
    public const string PeopleFolder = "/srv/people";

    /// <summary>First in sshd_config.d, so that its values win (sshd keeps the first value of a keyword).</summary>
    public const string SshdDropIn = "/etc/ssh/sshd_config.d/00-coralnet-deploy.conf";

    public const string UnattendedUpgradesConfig = "/etc/apt/apt.conf.d/52coralnet-unattended-upgrades";

    /// <summary>The site's Django stack from Debian: on every web host, and in the container base image.</summary>
    public static readonly IReadOnlyList<string> DjangoStackPackages = ["python3-django", "gunicorn", "python3-psycopg2"];

    /// <summary>Debian packages every web host gets: nginx, Python build tools, Pillow's libraries, and the
    /// Django stack from Debian (the release deploy has no PyPI to install it from).</summary>
    public static readonly IReadOnlyList<string> StandardPackages =
    [
        "nginx", "python3-venv", "python3-dev", "libpq-dev",
        "libjpeg-dev", "zlib1g-dev", "libfreetype-dev", "liblcms2-dev", "libwebp-dev", "libtiff-dev",
        .. DjangoStackPackages, "unattended-upgrades",
    ];

    public static readonly TimeSpan UpgradeInterval = TimeSpan.FromDays(1);

    private static readonly int PublicDirectoryMode = Convert.ToInt32("755", 8);
    private static readonly int PeopleFolderMode = Convert.ToInt32("3775", 8);
    private static readonly int PrivateDirectoryMode = Convert.ToInt32("700", 8);
    private static readonly int PrivateFileMode = Convert.ToInt32("600", 8);
    private static readonly int SudoersMode = Convert.ToInt32("440", 8);
    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);

    /// <param name="allowReboot">Whether a pending reboot is made (under the deploy lock) or only reported.</param>
    /// <param name="sudoersTemplate">The drop-in's template text; the embedded <see cref="SudoersTemplate"/> by default.</param>
    /// <param name="acmeCaBundle">The text of Tls.AcmeCaBundle's file, when set (<see cref="TlsHostPlan"/>).</param>
    /// <param name="repositoryUri">On AWS with Site.Runtime container, the ECR repository's URI the hosts pull from.</param>
    public static IReadOnlyList<PlannedTask> Build(DeploySettings settings, bool allowReboot = false, string? sudoersTemplate = null, string? acmeCaBundle = null, string? repositoryUri = null)
    {
        var template = sudoersTemplate ?? TemplateRenderer.Load(SudoersTemplate);
        var people = settings.People;
        var paths = new ReleasePaths(settings.Site.Root, settings.Site.Name);
        return
        [
            new(UpgradePackages, [new UpgradeResource(UpgradeInterval), new RebootResource(allowReboot)]),
            new(CreateUsers,
            [
                new GroupResource(PeopleGroup),
                .. people.SelectMany(person => PersonItems(person, template)),
                new FormerPeopleResource(people.Select(p => p.Login).ToList()),
                new SystemUserResource(paths.SiteUser),
            ]),
            new(PrepareWebRoot,
            [
                new DirectoryResource(settings.Site.Root, "root", "root", PublicDirectoryMode),
                new DirectoryResource(paths.Site, "root", "root", PublicDirectoryMode),
                new RootOwnedTreeResource(paths.Site, [paths.EnvironmentFile, paths.State]),
                // The only folder the site's user owns (migrate's stamps): set here too, since a deploy of
                // files that already serve makes no release directory (where it is made otherwise).
                new DirectoryResource(paths.Shared, "root", "root", PublicDirectoryMode),
                new DirectoryResource(paths.State, paths.SiteUser, paths.SiteGroup, PrivateDirectoryMode),
                new DirectoryResource(PeopleFolder, "root", PeopleGroup, PeopleFolderMode),
            ]),
            new(InstallPackages, [new PackagesResource(StandardPackages.Concat(TlsHostPlan.Packages(settings)).Concat(settings.Site.ExtraPackages).Distinct().ToList()), new SystemdUnitResource("nginx.service")]),
            new(RemoveDefaultSite, [new AbsentResource("/etc/nginx/sites-enabled/default", "systemctl reload nginx")]),
            new(SecureHost,
            [
                new FileResource(SshdDropIn, SshdConfig(settings), "root", "root", ConfigFileMode, validate: "sshd -t -f",
                    onChange: "if ! errors=$(sshd -t 2>&1); then echo \"sshd -t refused the whole configuration with the new drop-in; sshd was not reloaded: $errors\" >&2; exit 1; fi\nsystemctl try-reload-or-restart ssh.service"),
                new FileResource(UnattendedUpgradesConfig, TemplateRenderer.Render(UnattendedUpgradesTemplate, new Dictionary<string, string>()), "root", "root", ConfigFileMode),
            ]),
            TlsHostPlan.Build(settings, acmeCaBundle),
            Container.ContainerHostPlan.Build(settings, repositoryUri),
        ];
    }

    /// <summary>The sshd drop-in: keys only; root by key only, and not at all on AWS once a person has a login (the suite logs in there as the image's user).</summary>
    public static string SshdConfig(DeploySettings settings) => TemplateRenderer.Render(SshdTemplate, new Dictionary<string, string>
    {
        ["PermitRootLogin"] = settings.Provider == ProviderKind.Aws && settings.People.Count > 0 ? "no" : "prohibit-password",
    });

    private static IEnumerable<IHostResource> PersonItems(PersonSettings person, string sudoersTemplate)
    {
        var home = "/home/" + person.Login;
        var sudoers = TemplateRenderer.RenderText(SudoersTemplate, sudoersTemplate, new Dictionary<string, string> { ["Login"] = person.Login });
        return
        [
            new UserResource(person.Login),
            new GroupMemberResource(person.Login, "sudo"),
            new GroupMemberResource(person.Login, PeopleGroup),
            new DirectoryResource(home + "/.ssh", person.Login, person.Login, PrivateDirectoryMode),
            new FileResource(home + "/.ssh/authorized_keys", string.Concat(person.Keys.Select(k => k.Trim() + "\n")), person.Login, person.Login, PrivateFileMode),
            // sudo skips files whose name holds a '.', so logins (which cannot) make safe names.
            new FileResource(FormerPeopleResource.DropInPrefix + person.Login, sudoers, "root", "root", SudoersMode, validate: "visudo -cf"),
        ];
    }
}
