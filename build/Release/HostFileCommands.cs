using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>The files a deploy installs outside the releases (environment file, maintenance page, gunicorn units), each sent only when the host lacks it as wanted.</summary>
public sealed class HostFileCommands(ReleasePaths paths, string? certificateChain = null)
{
    /// <summary>The environment file and the maintenance page, as one command; none when the host already has both as wanted.</summary>
    public IReadOnlyList<RemoteCommand> SettingsFiles(ReleaseListing host, Secret environment, string maintenancePage) =>
    [
        .. Unless(host, paths.EnvironmentFile, InstalledFileState(environment.Reveal(), "0640", paths.SiteGroup), () => WriteEnvironmentFile(new CommandInput.SecretText(environment))),
        .. Unless(host, paths.MaintenancePage, InstalledFileState(maintenancePage, "0644", "root"), () => InstallMaintenancePage(maintenancePage)),
    ];

    /// <summary>The gunicorn socket and service template units the host does not have as wanted yet.</summary>
    public IReadOnlyList<RemoteCommand> GunicornUnits(ReleaseListing host, string socket, string service) =>
    [
        .. Unless(host, paths.GunicornUnitFile("socket"), InstalledFileState(socket, "0644", "root"), () => InstallGunicornUnit("socket", socket)),
        .. Unless(host, paths.GunicornUnitFile("service"), InstalledFileState(service, "0644", "root"), () => InstallGunicornUnit("service", service)),
    ];

    /// <summary>The container unit (Site.Runtime container, the gunicorn service unit's name, no socket) when the host does not have it as wanted.</summary>
    public IReadOnlyList<RemoteCommand> ContainerUnit(ReleaseListing host, string service) =>
        [.. Unless(host, paths.GunicornUnitFile("service"), InstalledFileState(service, "0644", "root"), () => InstallGunicornUnit("service", service))];

    private static IEnumerable<RemoteCommand> Unless(ReleaseListing host, string path, string wanted, Func<RemoteCommand> install) =>
        host.Files.GetValueOrDefault(path) == wanted ? [] : [install()];

    /// <summary>The shared environment file, read by systemd for gunicorn and by the site user's shell before manage.py (never by root's shell); mode 0640, group the site's.</summary>
    public RemoteCommand WriteEnvironmentFile(CommandInput.SecretText content) =>
        InstallFile("environment file", paths.EnvironmentFile, "0640", paths.SiteGroup, content, onChange: null);

    public RemoteCommand InstallMaintenancePage(string html) =>
        InstallFile("maintenance page", paths.MaintenancePage, "0644", "root", new CommandInput.PlainText(html), onChange: null);

    /// <summary>The gunicorn socket or service template unit (suffix "socket" or "service").</summary>
    public RemoteCommand InstallGunicornUnit(string suffix, string content) =>
        InstallFile($"gunicorn {suffix} unit", paths.GunicornUnitFile(suffix), "0644", "root", new CommandInput.PlainText(content), onChange: "systemctl daemon-reload");

    public RemoteCommand MaintenanceOn() => Command("maintenance on", $$"""
        set -eu
        flag={{Shell.Quote(paths.MaintenanceFlag)}}
        if [ -e "$flag" ]; then echo ok; else : > "$flag"; echo changed; fi
        """);

    public RemoteCommand MaintenanceOff() => Command("maintenance off", $$"""
        set -eu
        flag={{Shell.Quote(paths.MaintenanceFlag)}}
        if [ -e "$flag" ]; then rm -f "$flag"; echo changed; else echo ok; fi
        """);

    /// <summary>The files the deploy installs whose state the listing reports, so that an unchanged one is not sent again; and the site's certificate chain, whose presence switches nginx to https.</summary>
    public IReadOnlyList<string> InstalledFiles =>
        [paths.EnvironmentFile, paths.MaintenancePage, paths.GunicornUnitFile("socket"), paths.GunicornUnitFile("service"), paths.NginxAvailable, .. certificateChain is null ? [] : new[] { certificateChain }];

    /// <summary>Whether the host's nginx site is <paramref name="config"/>, as the cutover installs it (root's, 0644).</summary>
    public static bool HasNginxSite(ReleaseListing host, ReleasePaths paths, string config) =>
        host.Files.GetValueOrDefault(paths.NginxAvailable) == InstalledFileState(config, "0644", "root");

    /// <summary>How the listing reports a file installed by <see cref="InstallFile"/> with this content, mode and group.</summary>
    private static string InstalledFileState(string content, string mode, string group) =>
        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))}:{mode.TrimStart('0')}:root:{group}";

    /// <summary>A file with this content, mode and group (owner root); plain text travels in the script, secrets on standard input (never in the script).</summary>
    public static RemoteCommand InstallFile(string title, string path, string mode, string group, CommandInput content, string? onChange) =>
        Command(title, $$"""
            set -eu
            target={{Shell.Quote(path)}}
            mkdir -p "$(dirname "$target")"
            umask 077
            {{(content is CommandInput.PlainText plain ? WriteInline("\"$target.new\"", plain.Content) : "cat > \"$target.new\"")}}
            chown root:{{group}} "$target.new"
            chmod {{mode}} "$target.new"
            if [ -f "$target" ] && cmp -s "$target.new" "$target" && [ "$(stat -c %a:%U:%G "$target")" = {{mode.TrimStart('0')}}:root:{{group}} ]; then
              rm -f "$target.new"
              echo ok
            else
              mv -f "$target.new" "$target"{{(onChange is null ? "" : "\n  " + onChange)}}
              echo changed
            fi
            """) with { Input = content is CommandInput.PlainText ? CommandInput.None : content };
}
