using System.Globalization;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The commands of the operator's everyday targets (Status, Logs, Manage, Audit, Lock, LockStatus),
/// built in this one place as <see cref="RemoteCommand"/>s. They read, or append a record; none
/// changes what the site serves.
/// </summary>
public sealed class OperatorCommands(SiteSettings site)
{
    public ReleasePaths Paths { get; } = new(site.Root, site.Name);

    /// <summary>The host's state for Status, in the format <see cref="HostStatus.Parse"/> reads.</summary>
    public RemoteCommand Status() => new(TemplateRenderer.Render("status.sh", new Dictionary<string, string>
    {
        ["Site"] = Shell.Quote(Paths.Site),
        ["Ports"] = string.Join(' ', GunicornSlots.Ports(site)),
        ["UnitPrefix"] = $"{site.Name}-gunicorn",
        ["AuditLog"] = Shell.Quote(Paths.AuditLog),
        ["MaintenanceFlag"] = Shell.Quote(Paths.MaintenanceFlag),
        ["Domain"] = Shell.Quote(site.Domain),
        ["NginxSite"] = Shell.Quote(Paths.NginxAvailable),
    }), "read the host's status");

    /// <summary>
    /// The serving gunicorn instance's journal and nginx's logs, the last <paramref name="lines"/> of each
    /// (the journal from <paramref name="since"/>, journalctl's syntax), only lines matching
    /// <paramref name="pattern"/> (grep -E); with <paramref name="follow"/> until cancelled. Each line goes to <paramref name="echo"/>.
    /// </summary>
    public RemoteCommand Logs(int lines, string? since, string? pattern, bool follow, Action<string> echo) => new(TemplateRenderer.Render("logs.sh", new Dictionary<string, string>
    {
        ["Lines"] = lines.ToString(CultureInfo.InvariantCulture),
        ["Pattern"] = Shell.Quote(pattern ?? ""),
        ["Since"] = Shell.Quote(since ?? ""),
        ["ServingFile"] = Shell.Quote(Paths.Slots + "/serving"),
        ["FirstPort"] = site.GunicornPort.ToString(CultureInfo.InvariantCulture),
        ["UnitPrefix"] = $"{site.Name}-gunicorn",
        ["Follow"] = follow ? "yes" : "no",
    }), follow ? "follow the site's logs" : "read the site's logs") { Echo = echo, RunsUntilInputCloses = follow };

    /// <summary>
    /// The script of <c>manage.py COMMAND</c> in the serving release, as the site's user with the site's
    /// environment (read by that user's shell, never root's); its exit code is manage.py's. The command
    /// line is read by the site user's sh (quotes and all), so it can do nothing that user cannot.
    /// </summary>
    public string ManageScript(string command) => $"""
        set -eu
        if [ ! -L {Shell.Quote(Paths.Current)} ]; then echo "no release serves on this host yet: deploy first" >&2; exit 1; fi
        cd {Shell.Quote(Paths.Current + "/project")}
        {new InstallCommands(Paths).AsSiteUserWithEnvironment("exec ../venv/bin/python manage.py " + command)}
        """;

    /// <summary><see cref="ManageScript"/> run over the run's connection, its output streamed to <paramref name="echo"/>.</summary>
    public RemoteCommand Manage(string command, Action<string> echo) => new(ManageScript(command), $"manage.py {command}") { Echo = echo };

    /// <summary>Takes the deploy lock and keeps it after the run (Lock --message): a deploy is then refused naming the holder and the message.</summary>
    public RemoteCommand HoldLock(DeployLockHolder holder) => new DeployLockCommands(Paths).Lock(holder, waitSeconds: 0) with { Summary = "hold the deploy lock" };

    /// <summary>Gives back a lock <see cref="HoldLock"/> took, when another host refused it: deploys are held on every host or on none.</summary>
    public RemoteCommand GiveBackLock(DeployLockHolder holder) => new DeployLockCommands(Paths).Unlock(holder);

    /// <summary>Who holds the deploy lock, if anyone: the holder's line, or nothing.</summary>
    public RemoteCommand LockStatus() => new($"""
        set -eu
        lock={Shell.Quote(Paths.Lock)}
        if [ -d "$lock" ]; then printf 'lock\t%s\n' "$(paste -sd ' ' "$lock/holder" 2>/dev/null || echo 'holder not written yet')"; fi
        echo ok
        """, "read the deploy lock");

    /// <summary>Appends one line (standard input) to the host's audit log: a record, not a change of the host's state, so it reports ok.</summary>
    public RemoteCommand AppendAudit(string line) => new($"""
        set -eu
        log={Shell.Quote(Paths.AuditLog)}
        install -d -o root -g root -m 0755 "$(dirname "$log")"
        umask 022
        cat >> "$log"
        echo ok
        """, "append to the audit log") { Input = new CommandInput.PlainText(line.TrimEnd('\n') + "\n") };

    /// <summary>The last <paramref name="lines"/> lines of the host's audit log.</summary>
    public RemoteCommand ReadAudit(int lines) => new($"""
        set -eu
        tail -n {lines.ToString(CultureInfo.InvariantCulture)} {Shell.Quote(Paths.AuditLog)} 2>/dev/null || true
        echo ok
        """, "read the audit log");

    /// <summary>Each release on the host and the git commit it records: "ID COMMIT" lines (the commit empty when none was recorded).</summary>
    public RemoteCommand ReleaseCommits() => new($"""
        set -eu
        for dir in {Shell.Quote(Paths.Releases)}/*/; do
          if [ -d "$dir" ]; then
            printf '%s\t%s\n' "$(basename "$dir")" "$(sed -n 's/^RELEASE_COMMIT=//p' "$dir.release/env" 2>/dev/null || true)"
          fi
        done
        echo ok
        """, "list the releases' commits");
}
