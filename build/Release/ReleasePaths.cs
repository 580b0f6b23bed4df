namespace CoralNet.Deploy.Release;

/// <summary>
/// Where a site lives on a web host:
/// <code>
/// ROOT/NAME/releases/ID/      one directory per release (.release/ holds its manifest and id; venv links into shared/venvs)
/// ROOT/NAME/current           symlink to releases/ID: the release nginx serves
/// ROOT/NAME/slots/PORT        symlink to releases/ID: the release the gunicorn instance on 127.0.0.1:PORT runs
/// ROOT/NAME/shared/env        the environment file (0640, group www-data)
/// ROOT/NAME/shared/venvs/KEY  virtual environments, keyed by Python version and requirements hash
/// ROOT/NAME/shared/maintenance  while it exists nginx answers 503 with the maintenance page
/// ROOT/NAME/deploy.lock/      the deploy lock (mkdir), with a holder file
/// </code>
/// </summary>
public sealed record ReleasePaths(string Root, string SiteName)
{
    public string Site => Root.TrimEnd('/') + "/" + SiteName;
    public string Releases => Site + "/releases";
    public string Current => Site + "/current";
    public string Slots => Site + "/slots";
    public string Shared => Site + "/shared";
    public string Venvs => Shared + "/venvs";
    public string EnvironmentFile => Shared + "/env";
    public string MaintenanceFlag => Shared + "/maintenance";
    public string MaintenancePage => Shared + "/maintenance.html";
    public string Lock => Site + "/deploy.lock";
    public string NginxAvailable => "/etc/nginx/sites-available/" + SiteName;
    public string NginxEnabled => "/etc/nginx/sites-enabled/" + SiteName;

    public string Release(string id) => Releases + "/" + ReleaseId.Require(id);

    public string Slot(int port) => Slots + "/" + port;

    /// <summary>The systemd unit name (without .service or .socket) of the gunicorn instance on a port.</summary>
    public string GunicornUnit(int port) => $"{SiteName}-gunicorn@{port}";

    public string GunicornUnitFile(string suffix) => $"/etc/systemd/system/{SiteName}-gunicorn@.{suffix}";
}
