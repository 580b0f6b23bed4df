namespace CoralNet.Deploy.Release;

/// <summary>
/// Where a site lives on a web host:
/// <code>
/// ROOT/NAME/releases/ID/      one directory per release (.release/ holds its manifest and id; venv links into shared/venvs)
/// ROOT/NAME/current           symlink to releases/ID: the release nginx serves
/// ROOT/NAME/slots/PORT        symlink to releases/ID: the release the gunicorn instance on 127.0.0.1:PORT runs
/// ROOT/NAME/shared/env        the environment file (0640, root and the site's group: nginx cannot read it)
/// ROOT/NAME/shared/venvs/KEY  virtual environments, keyed by Python version and requirements hash
/// ROOT/NAME/shared/state/     the only folder the site's user owns: what its manage.py runs keep between deploys
/// ROOT/NAME/shared/maintenance  while it exists nginx answers 503 with the maintenance page
/// ROOT/NAME/deploy.lock/      the deploy lock (mkdir), with a holder file
/// /var/log/coralnet-deploy/NAME.audit.log  one JSON line per deploy, rollback, maintenance switch, lock and unlock
/// </code>
/// Everything but shared/state and shared/env is root's and read-only to the site's user, which the
/// gunicorn instances and manage.py run as (a system user named after the site, in a group of its own).
/// </summary>
public sealed record ReleasePaths(string Root, string SiteName)
{
    /// <summary>The system user the site runs as (no login shell, in no other group).</summary>
    public string SiteUser { get; init; } = SiteName;

    /// <summary>The site user's own group: the only group that may read the environment file.</summary>
    public string SiteGroup { get; init; } = SiteName;

    public string Site => Root.TrimEnd('/') + "/" + SiteName;
    public string Releases => Site + "/releases";
    public string Current => Site + "/current";
    public string Slots => Site + "/slots";
    public string Shared => Site + "/shared";
    public string Venvs => Shared + "/venvs";
    public string EnvironmentFile => Shared + "/env";
    public string State => Shared + "/state";
    public string MaintenanceFlag => Shared + "/maintenance";
    public string MaintenancePage => Shared + "/maintenance.html";
    public string Lock => Site + "/deploy.lock";
    public string AuditLog => $"/var/log/coralnet-deploy/{SiteName}.audit.log";
    public string NginxAvailable { get; init; } = "/etc/nginx/sites-available/" + SiteName;
    public string NginxEnabled => "/etc/nginx/sites-enabled/" + SiteName;

    public string Release(string id) => Releases + "/" + ReleaseId.Require(id);

    public string Slot(int port) => Slots + "/" + port;

    /// <summary>The systemd unit name (without .service or .socket) of the gunicorn instance on a port.</summary>
    public string GunicornUnit(int port) => GunicornUnitPrefix + port;

    /// <summary>What the names of the gunicorn instances' units start with: the template's name up to the instance.</summary>
    public string GunicornUnitPrefix => SiteName + "-gunicorn@";

    public string GunicornUnitFile(string suffix) => $"/etc/systemd/system/{GunicornUnitPrefix}.{suffix}";

    /// <summary>Where systemd links the units enabled to start at boot (WantedBy=multi-user.target).</summary>
    public string BootUnits { get; init; } = "/etc/systemd/system/multi-user.target.wants";
}
