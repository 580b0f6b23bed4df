using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.HostState;

/// <summary>The wanted state of a web host, task by task: what the manual EC2 setup did, as data.</summary>
public static class ConfigureHostPlan
{
    public const string UpgradePackages = "UpgradePackages";
    public const string CreateUsers = "CreateUsers";
    public const string PrepareWebRoot = "PrepareWebRoot";
    public const string InstallPackages = "InstallPackages";
    public const string RemoveDefaultSite = "RemoveDefaultSite";
    public const string SudoersTemplate = "sudoers.template";

    /// <summary>Debian packages every web host gets: nginx, Python build tools, Pillow's libraries, and the
    /// Django stack from Debian (the release deploy has no PyPI to install it from).</summary>
    public static readonly IReadOnlyList<string> StandardPackages =
    [
        "nginx", "python3-venv", "python3-dev", "libpq-dev",
        "libjpeg-dev", "zlib1g-dev", "libfreetype-dev", "liblcms2-dev", "libwebp-dev", "libtiff-dev",
        "python3-django", "gunicorn", "python3-psycopg2",
    ];

    public static readonly TimeSpan UpgradeInterval = TimeSpan.FromDays(1);

    private static readonly int WebRootMode = Convert.ToInt32("2775", 8);
    private static readonly int PrivateDirectoryMode = Convert.ToInt32("700", 8);
    private static readonly int PrivateFileMode = Convert.ToInt32("600", 8);
    private static readonly int SudoersMode = Convert.ToInt32("440", 8);

    /// <param name="sudoersTemplate">The drop-in's template text; the embedded <see cref="SudoersTemplate"/> by default.</param>
    public static IReadOnlyList<PlannedTask> Build(DeploySettings settings, string? sudoersTemplate = null)
    {
        var template = sudoersTemplate ?? TemplateRenderer.Load(SudoersTemplate);
        var people = settings.People;
        return
        [
            new(UpgradePackages, [new UpgradeResource(UpgradeInterval), new RebootResource()]),
            new(CreateUsers, [.. people.SelectMany(person => PersonItems(person, template)), new FormerPeopleResource(people.Select(p => p.Login).ToList())]),
            new(PrepareWebRoot,
            [
                new DirectoryResource(settings.Site.Root, "root", "www-data", WebRootMode),
                .. people.Select(person => new GroupMemberResource(person.Login, "www-data")),
            ]),
            new(InstallPackages, [new PackagesResource(StandardPackages.Concat(settings.Site.ExtraPackages).Distinct().ToList()), new SystemdUnitResource("nginx.service")]),
            new(RemoveDefaultSite, [new AbsentResource("/etc/nginx/sites-enabled/default", "systemctl reload nginx")]),
        ];
    }

    private static IEnumerable<IHostResource> PersonItems(PersonSettings person, string sudoersTemplate)
    {
        var home = "/home/" + person.Login;
        var sudoers = TemplateRenderer.RenderText(SudoersTemplate, sudoersTemplate, new Dictionary<string, string> { ["Login"] = person.Login });
        return
        [
            new UserResource(person.Login),
            new GroupMemberResource(person.Login, "sudo"),
            new DirectoryResource(home + "/.ssh", person.Login, person.Login, PrivateDirectoryMode),
            new FileResource(home + "/.ssh/authorized_keys", string.Concat(person.Keys.Select(k => k.Trim() + "\n")), person.Login, person.Login, PrivateFileMode),
            // sudo skips files whose name holds a '.', so logins (which cannot) make safe names.
            new FileResource(FormerPeopleResource.DropInPrefix + person.Login, sudoers, "root", "root", SudoersMode, validate: "visudo -cf"),
        ];
    }
}
