using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>The commands that install a release's software on a web host (venv, migrate, collectstatic); what the site's code runs, it runs as the site's user.</summary>
public sealed class InstallCommands(ReleasePaths paths)
{
    /// <summary>sh: runs a command with its output going to standard error as it comes (for the heartbeat of a long step) and kept in $out; fails with the command's exit code.</summary>
    internal const string StreamedFunction = "streamed() { log=$(mktemp); { PYTHONUNBUFFERED=1 \"$@\" 2>&1 || echo \"$?\" > \"$log.failed\"; } | tee \"$log\" >&2; out=$(cat \"$log\"); rm -f \"$log\"; if [ -e \"$log.failed\" ]; then code=$(cat \"$log.failed\"); rm -f \"$log.failed\"; return \"$code\"; fi; }";

    /// <summary>sh: <c>Hash REGEX</c>, the hash of the release's manifest lines whose path matches, and of its venv (run in the release's project/).</summary>
    private const string HashFunction = "Hash() { { grep -E \"$1\" ../.release/manifest | cut -f 1,4; readlink ../venv; } | sha256sum | cut -c 1-64; }";

    /// <summary>
    /// Links the release to the venv for its requirements (keyed by <paramref name="requirementsSha256"/>
    /// and the host's Python version), making it with --system-site-packages and pip only when it is missing.
    /// venv and pip run as the site's user in the venv's own folder (so that the scripts pip writes name
    /// the path they run from), which root then takes over (<see cref="TakeOwnership"/>) before it marks
    /// it complete: the venv the site runs is read-only to it. A venv without the mark is made again.
    /// Null when the site has no requirements.txt.
    /// </summary>
    public RemoteCommand InstallRequirements(string id, string? requirementsSha256)
    {
        var key = requirementsSha256?[..16] ?? "none";
        var pip = requirementsSha256 is null
            ? ""
            : " && \"$1/bin/python\" -m pip install --disable-pip-version-check --no-cache-dir --no-input --progress-bar off -r \"$2/requirements.txt\" >&2";
        // pip's lines go to standard error as they come: the heartbeat shows them, the last line stays ok or changed.
        return Streaming(Command($"venv for {id}", $$"""
            set -eu
            umask 022
            release={{Shell.Quote(paths.Release(id))}}
            version=$({{SystemPython}} -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
            venv={{Shell.Quote(paths.Venvs)}}/py$version-{{key}}
            status=ok
            if [ ! -e "$venv/.complete" ]; then
              rm -rf "$venv"
              install -d -o {{Shell.Quote(paths.SiteUser)}} -g {{Shell.Quote(paths.SiteGroup)}} -m 0755 "$venv"
              {{AsSiteUser($"{SystemPython} -m venv --system-site-packages \"$1\"{pip}", "\"$venv\"", "\"$release\"")}}
              {{TakeOwnership("\"$venv\"")}}
              # The site's user may have left .complete as a link anywhere; the folder is root's now, so once removed it stays gone.
              rm -rf "$venv/.complete"
              : > "$venv/.complete"
              status=changed
            fi
            ln -sfn "$venv" "$release/venv"
            echo "$status"
            """));
    }

    /// <summary>
    /// sh running <paramref name="script"/> as the site's user, in a clean environment, with
    /// <paramref name="arguments"/> as its "$1"...: root only starts it, and reads nothing it wrote.
    /// </summary>
    private string AsSiteUser(string script, params string[] arguments) =>
        $"setpriv --reuid={Shell.Quote(paths.SiteUser)} --regid={Shell.Quote(paths.SiteGroup)} --init-groups --no-new-privs env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent sh -c {Shell.Quote(script)} site-user {string.Join(' ', arguments)}".TrimEnd();

    /// <summary>As <see cref="AsSiteUser"/>, in the release's project/ folder, after that shell (never root's) read the environment file and the release's env.</summary>
    public string AsSiteUserWithEnvironment(string script) =>
        AsSiteUser($"set -eu\nset -a\n. {Shell.Quote(paths.EnvironmentFile)}\n. ../.release/env\nset +a\n{HashFunction}\n{StreamedFunction}\n{script}");

    /// <summary>sh making a tree the site's user wrote root's and read-only to it: owner and group root, no write for others, no set-id bit (symbolic links are not followed).</summary>
    private static string TakeOwnership(string path) => $"chown -R -P root:root {path} && chmod -R go-w,ug-s {path}";

    /// <summary>
    /// Python printing the MD5 of the migrations Django has applied (<c>none</c> for none), asked with
    /// psycopg2 from the site's environment, without starting Django: the same query as SetupDatabase's.
    /// </summary>
    internal const string AppliedMigrationsPython = $$"""
        import os, psycopg2
        e = os.environ
        with psycopg2.connect(dbname=e["DATABASE_NAME"], user=e["DATABASE_USER"], password=e.get("DATABASE_PASSWORD", ""), host=e.get("DATABASE_HOST", "127.0.0.1"), port=e.get("DATABASE_PORT", "5432"), connect_timeout=10) as connection:
            cursor = connection.cursor()
            cursor.execute("{{Database.DatabaseSql.AppliedMigrationsText}}")
            print(cursor.fetchone()[0] or "none")
        """;

    /// <summary>
    /// <c>manage.py migrate --noinput</c>. The suite sends it only when it cannot tell that nothing migrate
    /// reads changed (see <see cref="MigrationStamp"/>); here it is skipped too when the stamp in shared/state
    /// for the database name holds <paramref name="key"/> (what the suite hashed), the venv, the database's address
    /// and the migrations the database has applied now (a fresh or changed database answers differently, so
    /// it is migrated). A migrate that ran writes that stamp. All of it runs as the site's user: the
    /// environment file is read by its shell, not root's.
    /// </summary>
    public RemoteCommand Migrate(string id, string key) => Streaming(Command($"migrate ({id})", $$"""
        set -eu
        cd {{Shell.Quote(paths.Release(id) + "/project")}}
        {{AsSiteUserWithEnvironment($$"""
            stamp={{Shell.Quote(paths.State)}}/migrated-"$DATABASE_NAME"
            applied() {
              ../venv/bin/python -c {{Shell.Quote(AppliedMigrationsPython)}} 2>/dev/null || echo none
            }
            stamp_of() {
              {{MigrationStamp.Printf(MigrationStamp.RequireKey(key), "\"$(readlink ../venv)\"", "\"$DATABASE_HOST:${DATABASE_PORT:-5432}\"", "\"$1\"")}}
            }
            if [ "$(cat "$stamp" 2>/dev/null || true)" = "$(stamp_of "$(applied)")" ]; then
              echo "no migration changed since the last migrate of $DATABASE_NAME: skipped"
              echo ok
              exit 0
            fi
            rm -f "$stamp"
            streamed ../venv/bin/python manage.py migrate --noinput
            now=$(applied)
            if [ "$now" != none ]; then stamp_of "$now" > "$stamp.new"; mv -f "$stamp.new" "$stamp"; fi
            case "$out" in
              *'No migrations to apply.'*) echo ok ;;
              *) echo changed ;;
            esac
            """)}}
        """));

    /// <summary>
    /// Prints, on one line, what the suite needs to decide migrate without sending it: the venv the release
    /// links and the migrate stamp of <paramref name="database"/>, read as the site's user (it wrote it).
    /// Sent with InstallRequirements, in the same round trip.
    /// </summary>
    public RemoteCommand MigrateState(string id, string database) => Command("read the migrate stamp", $$"""
        set -eu
        venv=$(readlink {{Shell.Quote(paths.Release(id) + "/venv")}} || true)
        stamp=$({{AsSiteUser("cat -- \"$1\" 2>/dev/null || true", Shell.Quote(paths.State + "/migrated-" + database))}})
        printf '{{MigrationStamp.StateLine}}\t%s\t%s\n' "$venv" "$stamp"
        echo ok
        """);

    /// <summary>
    /// <c>manage.py collectstatic --noinput</c> into the release; when no static source (a file under a
    /// static/ folder, a settings file) and no venv changed since <paramref name="previousId"/>, its
    /// collected files are hard-linked instead. Only a release whose collected files are its own
    /// <c>static/</c> folder records the key that allows this. manage.py runs as the site's user into a
    /// static/ folder it owns for that run; root then takes the folder over (<see cref="TakeOwnership"/>).
    /// </summary>
    public RemoteCommand CollectStatic(string id, string? previousId) => Streaming(Command($"collect static files ({id})", $$"""
        set -eu
        umask 022
        cd {{Shell.Quote(paths.Release(id) + "/project")}}
        {{HashFunction}}
        key=$(Hash '(^|/)static/|(^|/)settings[^/]*\.py$')
        if [ -d ../static ] && [ "$(cat ../.release/static-key 2>/dev/null || true)" = "$key" ]; then echo ok; exit 0; fi
        previous={{(previousId is null ? "''" : Shell.Quote(paths.Release(previousId)))}}
        if [ -n "$previous" ] && [ -d "$previous/static" ] && [ "$(cat "$previous/.release/static-key" 2>/dev/null || true)" = "$key" ]; then
          rm -rf ../static
          cp -al "$previous/static" ../static
          printf '%s\n' "$key" > ../.release/static-key
          echo "no static source and no venv changed since {{previousId}}: its collected files linked"
          echo changed
          exit 0
        fi
        rm -rf ../static
        install -d -o {{Shell.Quote(paths.SiteUser)}} -g {{Shell.Quote(paths.SiteGroup)}} -m 0755 ../static
        {{AsSiteUserWithEnvironment("streamed ../venv/bin/python manage.py collectstatic --noinput")}}
        {{TakeOwnership("../static")}}
        printf '%s\n' "$key" > ../.release/static-key
        echo changed
        """));
}
