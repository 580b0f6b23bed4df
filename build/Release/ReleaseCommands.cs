using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Every command the release deploy sends to a web host, built in this one place as plain
/// <see cref="RemoteCommand"/>s so that dry-run and tests show exactly what would run. Each is
/// idempotent and ends with ok or changed.
/// </summary>
public sealed class ReleaseCommands(ReleasePaths paths, string? certificateChain = null)
{
    private const string SystemPython = "/usr/bin/python3";

    /// <summary>sh: runs a command with its output going to standard error as it comes (for the heartbeat of a long step) and kept in $out; fails with the command's exit code.</summary>
    private const string StreamedFunction = "streamed() { log=$(mktemp); { PYTHONUNBUFFERED=1 \"$@\" 2>&1 || echo \"$?\" > \"$log.failed\"; } | tee \"$log\" >&2; out=$(cat \"$log\"); rm -f \"$log\"; if [ -e \"$log.failed\" ]; then code=$(cat \"$log.failed\"); rm -f \"$log.failed\"; return \"$code\"; fi; }";

    /// <summary>sh: <c>Hash REGEX</c>, the hash of the release's manifest lines whose path matches, and of its venv (run in the release's project/).</summary>
    private const string HashFunction = "Hash() { { grep -E \"$1\" ../.release/manifest | cut -f 1,4; readlink ../venv; } | sha256sum | cut -c 1-64; }";

    public ReleasePaths Paths => paths;

    /// <summary>The upload, one round trip: make the directory, link what did not change from <paramref name="previousId"/>, extract the archive of the rest, verify.</summary>
    public RemoteCommand Upload(string id, string? previousId, ManifestDiff diff, string manifestHash, Action<Stream> writeArchive) => Batch($"upload {id}",
    [
        MakeReleaseDirectory(id),
        .. previousId is null ? Array.Empty<RemoteCommand>() : [LinkUnchanged(id, previousId, diff.NotToLink)],
        Extract(id, writeArchive),
        Verify(id, manifestHash),
    ]);

    /// <summary>
    /// Several commands as one script, one round trip: each step runs in its own subshell, in order, and
    /// the first that fails ends the batch (its output then goes to standard error). The steps' output
    /// is kept but for each one's last line; the batch reports changed when any step did. At most one
    /// step reads standard input.
    /// </summary>
    public static RemoteCommand Batch(string title, IReadOnlyList<RemoteCommand> steps)
    {
        if (steps.Count == 1)
        {
            return steps[0];
        }

        var inputs = steps.Where(s => s.Input is not CommandInput.Nothing).ToList();
        if (inputs.Count > 1)
        {
            throw new ArgumentException($"Only one step of a batch can read standard input ({string.Join(", ", inputs)}).", nameof(steps));
        }

        string Script(Func<RemoteCommand, string> text) =>
            "set -eu\nstatus=ok\nout=$(mktemp)\ntrap 'code=$?; if [ $code -ne 0 ]; then cat \"$out\" >&2; fi; rm -f \"$out\"' EXIT\n"
            + string.Concat(steps.Select((step, i) => $$"""
                step{{i}}() (
                {{text(step)}}
                )
                step{{i}} > "$out"
                sed '$d' "$out"
                if [ "$(tail -n 1 "$out")" = changed ]; then status=changed; fi

                """))
            + "echo \"$status\"\n";
        return new RemoteCommand(Script(s => s.Script), title) { Display = Script(s => s.Display), Input = inputs.FirstOrDefault()?.Input ?? CommandInput.None };
    }

    /// <summary>Makes the site's directories and an empty release directory; a half-made one left by a failed upload is replaced.</summary>
    public RemoteCommand MakeReleaseDirectory(string id) => Command($"make release {id}", $$"""
        set -eu
        umask 022
        mkdir -p {{Shell.Quote(paths.Releases)}} {{Shell.Quote(paths.Venvs)}} {{Shell.Quote(paths.Slots)}}
        install -d -o {{Shell.Quote(paths.SiteUser)}} -g {{Shell.Quote(paths.SiteGroup)}} -m 0700 {{Shell.Quote(paths.State)}}
        new={{Shell.Quote(paths.Release(id))}}
        if [ -e "$new" ]; then
          if [ "$(readlink -f {{Shell.Quote(paths.Current)}})" = "$(readlink -f "$new")" ]; then
            echo "release {{id}} is serving; it cannot be made again" >&2
            exit 1
          fi
          rm -rf "$new"
        fi
        mkdir -p "$new/.release"
        : > "$new/.release/kept"
        echo changed
        """);

    /// <summary>
    /// Hard-links into the new release every file of the previous release's manifest except those
    /// changed or removed, in one batch (no file list crosses the wire beyond <paramref name="notToLink"/>),
    /// and keeps their manifest lines for <see cref="Verify"/>.
    /// </summary>
    public RemoteCommand LinkUnchanged(string id, string previousId, IReadOnlyList<string> notToLink) => Command($"link unchanged files of {previousId} into {id}", $$"""
        set -eu
        new={{Shell.Quote(paths.Release(id))}}
        previous={{Shell.Quote(paths.Release(previousId))}}
        {{(notToLink.Count == 0 ? ":" : "printf '%s\\n' " + string.Join(' ', notToLink.Select(Shell.Quote)))}} > "$new/.release/drop"
        awk -F '\t' 'FILENAME == ARGV[1] { drop[$0] = 1; next } !($1 in drop)' "$new/.release/drop" "$previous/.release/manifest" > "$new/.release/kept"
        cut -f 1 "$new/.release/kept" | tr '\n' '\0' | (cd "$previous" && xargs -0r cp -l --parents -t "$new" --)
        rm -f "$new/.release/drop"
        echo changed
        """);

    /// <summary>Extracts the archive of <see cref="ReleaseTar"/> from standard input into the release.</summary>
    public RemoteCommand Extract(string id, Action<Stream> writeArchive) => Command($"extract new and changed files into {id}", $"""
        set -eu
        umask 022
        tar -xzf - -C {Shell.Quote(paths.Release(id))} --no-same-owner
        echo changed
        """) with { Input = new CommandInput.Stream(writeArchive) };

    /// <summary>
    /// Rebuilds the manifest on the host from the linked files' lines and the sent files' lines, checks
    /// it is the suite's manifest (<paramref name="manifestHash"/>), then checks every file with sha256sum -c.
    /// </summary>
    public RemoteCommand Verify(string id, string manifestHash) => Command($"verify release {id}", $$"""
        set -eu
        cd {{Shell.Quote(paths.Release(id))}}
        cat .release/kept .release/delta | LC_ALL=C sort > .release/manifest
        rm -f .release/kept .release/delta
        if ! echo '{{manifestHash}}  .release/manifest' | sha256sum -c --status -; then
          echo "the manifest rebuilt on the host is not the release's: the previous release's files differ from its manifest; deploy again without it" >&2
          exit 1
        fi
        awk -F '\t' '{ print $4 "  " $1 }' .release/manifest | sha256sum -c --quiet --strict -
        echo ok
        """);

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
    private string AsSiteUserWithEnvironment(string script) =>
        AsSiteUser($"set -eu\nset -a\n. {Shell.Quote(paths.EnvironmentFile)}\n. ../.release/env\nset +a\n{HashFunction}\n{StreamedFunction}\n{script}");

    /// <summary>sh making a tree the site's user wrote root's and read-only to it: owner and group root, no write for others, no set-id bit (symbolic links are not followed).</summary>
    private static string TakeOwnership(string path) => $"chown -R -P root:root {path} && chmod -R go-w,ug-s {path}";

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

    /// <summary>Enables and starts the listening sockets of the gunicorn instances.</summary>
    public RemoteCommand EnableSockets(IEnumerable<int> ports) => Command("enable gunicorn sockets", $$"""
        set -eu
        status=ok
        for unit in {{string.Join(' ', ports.Select(p => Shell.Quote(paths.GunicornUnit(p) + ".socket")))}}; do
          if ! systemctl is-enabled --quiet "$unit" || ! systemctl is-active --quiet "$unit"; then
            systemctl enable --now "$unit"
            status=changed
          fi
        done
        echo "$status"
        """);

    /// <summary>
    /// <c>manage.py migrate --noinput</c>, skipped when nothing it reads can have changed since the last
    /// migrate that succeeded on this database: a stamp in shared/state per database name holds the hash of
    /// every file under a migrations/ folder and of the venv (Django's own migrations), the database's
    /// address, and the migrations the database had applied after that migrate (asked with psycopg2,
    /// without starting Django). A fresh or changed database answers differently, so it is migrated.
    /// All of it runs as the site's user: the environment file is read by its shell, not root's.
    /// </summary>
    public RemoteCommand Migrate(string id) => Streaming(Command($"migrate ({id})", $$"""
        set -eu
        cd {{Shell.Quote(paths.Release(id) + "/project")}}
        {{AsSiteUserWithEnvironment($$"""
            stamp={{Shell.Quote(paths.State)}}/migrated-"$DATABASE_NAME"
            applied() {
              ../venv/bin/python - <<'PY' 2>/dev/null || echo none
            import os, psycopg2
            e = os.environ
            with psycopg2.connect(dbname=e["DATABASE_NAME"], user=e["DATABASE_USER"], password=e.get("DATABASE_PASSWORD", ""), host=e.get("DATABASE_HOST", "127.0.0.1"), port=e.get("DATABASE_PORT", "5432"), connect_timeout=10) as connection:
                cursor = connection.cursor()
                cursor.execute("SELECT md5(string_agg(app || ' ' || name, ',' ORDER BY app, name)) FROM django_migrations")
                print(cursor.fetchone()[0] or "none")
            PY
            }
            key="$(Hash '(^|/)migrations/') $DATABASE_HOST:${DATABASE_PORT:-5432}"
            if [ "$(cat "$stamp" 2>/dev/null || true)" = "$key $(applied)" ]; then
              echo "no migration changed since the last migrate of $DATABASE_NAME: skipped"
              echo ok
              exit 0
            fi
            rm -f "$stamp"
            streamed ../venv/bin/python manage.py migrate --noinput
            now=$(applied)
            if [ "$now" != none ]; then printf '%s\n' "$key $now" > "$stamp.new"; mv -f "$stamp.new" "$stamp"; fi
            case "$out" in
              *'No migrations to apply.'*) echo ok ;;
              *) echo changed ;;
            esac
            """)}}
        """));

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

    /// <summary>Points the gunicorn instance on <paramref name="port"/> at a release (it runs it from its next start).</summary>
    public RemoteCommand PointSlot(int port, string id) =>
        AtomicLink($"point slot {port} at {id}", paths.Slot(port), "../releases/" + ReleaseId.Require(id), id);

    /// <summary>Moves <c>current</c> atomically: a new link, then <c>mv -T</c> over the old one.</summary>
    public RemoteCommand SwitchCurrent(string id) =>
        AtomicLink($"switch current to {id}", paths.Current, "releases/" + ReleaseId.Require(id), id);

    /// <summary>Records which gunicorn instance nginx sends requests to.</summary>
    public RemoteCommand MarkServingSlot(int port) => Command($"mark slot {port} serving", $$"""
        set -eu
        file={{Shell.Quote(paths.Slots + "/serving")}}
        if [ "$(cat "$file" 2>/dev/null || true)" = {{port}} ]; then echo ok; exit 0; fi
        echo {{port}} > "$file.new"
        mv -f "$file.new" "$file"
        echo changed
        """);

    /// <summary>Starts the instance afresh from its slot's release (never a HUP, which would keep the old working directory).</summary>
    public RemoteCommand RestartSlot(int port) => Command($"restart gunicorn on {port}", $$"""
        set -eu
        unit={{Shell.Quote(paths.GunicornUnit(port) + ".service")}}
        if ! systemctl restart "$unit"; then
          echo "gunicorn on 127.0.0.1:{{port}} did not start; its journal (last lines):" >&2
          journalctl -u "$unit" -n 25 --no-pager -o cat >&2 || true
          exit 1
        fi
        echo changed
        """);

    /// <summary>
    /// Asks the instance on <paramref name="port"/> directly (on the host's loopback, not through nginx)
    /// for /health/ with the site's Host header until it answers 200 with <paramref name="id"/>, for at
    /// most <paramref name="timeoutSeconds"/>; on failure prints the last answer and the instance's journal.
    /// </summary>
    public RemoteCommand CheckSlot(int port, string id, string domain, int timeoutSeconds) => Command($"check gunicorn on {port} serves {id}", $$"""
        set -eu
        if ! {{SystemPython}} - {{port}} {{Shell.Quote(ReleaseId.Require(id))}} {{Shell.Quote(domain)}} {{timeoutSeconds}} <<'PY'
        import sys, time, urllib.error, urllib.request
        port, wanted, domain, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"http://127.0.0.1:{port}/health/", headers={"Host": domain})
        while True:
            try:
                with urllib.request.urlopen(request, timeout=max(1.0, deadline - time.monotonic())) as answer:
                    body = answer.read().decode("utf-8", "replace").strip()
                    if body == wanted:
                        sys.exit(0)
                    last = f"answered {answer.status} with '{body}'"
            except urllib.error.HTTPError as error:
                last = f"answered {error.code} with '{error.read().decode('utf-8', 'replace').strip()[:200]}'"
            except OSError as error:
                last = f"did not answer: {error}"
            if time.monotonic() >= deadline:
                print(f"gunicorn on 127.0.0.1:{port} {last} instead of 200 with {wanted}, after {timeout:.0f} s", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.01)
        PY
        then
          echo "its journal (last lines):" >&2
          journalctl -u {{Shell.Quote(paths.GunicornUnit(port) + ".service")}} -n 25 --no-pager -o cat >&2 || true
          exit 1
        fi
        echo ok
        """);

    /// <summary>
    /// Stops the instance; in-flight requests finish within gunicorn's graceful timeout, while the
    /// command returns at once (systemd finishes the stop; a later start of the instance waits for it).
    /// Its socket stays open.
    /// </summary>
    public RemoteCommand StopSlot(int port) => Command($"stop gunicorn on {port}", $$"""
        set -eu
        unit={{Shell.Quote(paths.GunicornUnit(port) + ".service")}}
        if systemctl is-active --quiet "$unit"; then
          systemctl stop --no-block "$unit"
          echo changed
        else
          echo ok
        fi
        """);

    /// <summary>
    /// Installs the site's nginx config into sites-available and links it into sites-enabled (in
    /// place of Debian's default site, whose default_server ours replaces), runs <c>nginx -t</c>, and
    /// reloads nginx gracefully. When the test fails the previous config is put back, nginx keeps
    /// serving the old one, and the script fails with nginx's message.
    /// </summary>
    public RemoteCommand InstallNginxSite(string config) => Command("nginx site", $$"""
        set -eu
        available={{Shell.Quote(paths.NginxAvailable)}}
        enabled={{Shell.Quote(paths.NginxEnabled)}}
        debian_default=/etc/nginx/sites-enabled/default
        {{WriteInline("\"$available.new\"", config)}}
        if [ -f "$available" ] && cmp -s "$available.new" "$available" && [ -L "$enabled" ] && [ ! -e "$debian_default" ]; then
          rm -f "$available.new"
          echo ok
          exit 0
        fi
        had_default=no
        if [ -e "$debian_default" ]; then had_default=yes; fi
        if [ -f "$available" ]; then cp -p "$available" "$available.previous"; fi
        mv -f "$available.new" "$available"
        ln -sfn "$available" "$enabled"
        rm -f "$debian_default"
        if ! errors=$(nginx -t 2>&1); then
          if [ -f "$available.previous" ]; then mv -f "$available.previous" "$available"; else rm -f "$available" "$enabled"; fi
          if [ "$had_default" = yes ]; then ln -s ../sites-available/default "$debian_default"; fi
          printf 'nginx -t refused the new config of {{paths.SiteName}}; the previous one is back and nginx keeps serving:\n%s\n' "$errors" >&2
          exit 1
        fi
        rm -f "$available.previous"
        systemctl reload nginx
        echo changed
        """);

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

    /// <summary>
    /// Takes the deploy lock (an atomic mkdir), waiting up to <paramref name="waitSeconds"/> (0: fail at
    /// once); a refused lock fails with exit code 75 and names its holder. It reports ok: a lock the run
    /// takes and releases leaves the host as it was, so a run that changes nothing else changes nothing.
    /// </summary>
    public RemoteCommand Lock(DeployLockHolder holder, int waitSeconds) => Command("take deploy lock", $$"""
        set -eu
        mkdir -p {{Shell.Quote(paths.Site)}}
        lock={{Shell.Quote(paths.Lock)}}
        deadline=$(( $(date +%s) + {{waitSeconds}} ))
        until mkdir "$lock" 2>/dev/null; do
          if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "another deploy holds the lock $lock ($(cat "$lock/holder" 2>/dev/null || echo 'holder not written yet')); wait with --lock-wait=SECONDS, or run the Unlock target if it is stale" >&2
            exit 75
          fi
          sleep 1
        done
        printf '%s\n' {{Shell.Quote(holder.ToString())}} > "$lock/holder"
        echo ok
        """);

    /// <summary>Releases the lock this run holds (ok, as taking it was); a lock held by another run is left alone.</summary>
    public RemoteCommand Unlock(DeployLockHolder holder) => Command("release deploy lock", $$"""
        set -eu
        lock={{Shell.Quote(paths.Lock)}}
        if [ ! -d "$lock" ]; then echo ok; exit 0; fi
        if [ "$(cat "$lock/holder" 2>/dev/null || true)" != {{Shell.Quote(holder.ToString())}} ]; then
          echo "the lock $lock is held by another run ($(cat "$lock/holder" 2>/dev/null || echo 'unknown')); left alone" >&2
          exit 1
        fi
        rm -rf "$lock"
        echo ok
        """);

    /// <summary>Removes a stale lock whoever holds it, saying whose it was.</summary>
    public RemoteCommand ForceUnlock() => Command("remove deploy lock", $$"""
        set -eu
        lock={{Shell.Quote(paths.Lock)}}
        if [ ! -d "$lock" ]; then echo ok; exit 0; fi
        echo "removing the deploy lock of: $(cat "$lock/holder" 2>/dev/null || echo 'unknown')"
        rm -rf "$lock"
        echo changed
        """);

    /// <summary>Lists releases, <c>current</c>, the slots and the serving slot, in the format <see cref="ReleaseListing.Parse"/> reads.</summary>
    public RemoteCommand ListReleases() => Command("list releases", $$"""
        set -eu
        if ! cd {{Shell.Quote(paths.Site)}} 2>/dev/null; then echo ok; exit 0; fi
        if [ -L current ]; then printf 'current\t%s\n' "$(basename "$(readlink current)")"; fi
        if [ -f slots/serving ]; then printf 'serving\t%s\n' "$(cat slots/serving)"; fi
        for slot in slots/*; do
          if [ -L "$slot" ]; then printf 'slot\t%s\t%s\n' "${slot#slots/}" "$(basename "$(readlink "$slot")")"; fi
        done
        for dir in releases/*/; do
          if [ -d "$dir" ]; then name=${dir#releases/}; printf 'release\t%s\n' "${name%/}"; fi
        done
        for file in {{string.Join(' ', InstalledFiles.Select(Shell.Quote))}}; do
          if [ -f "$file" ]; then printf 'file\t%s\t%s:%s\n' "$file" "$(sha256sum < "$file" | cut -c 1-64)" "$(stat -c %a:%U:%G "$file")"; fi
        done
        echo ok
        """);

    /// <summary>The files the deploy installs whose state the listing reports, so that an unchanged one is not sent again; and the site's certificate chain, whose presence switches nginx to https.</summary>
    private IReadOnlyList<string> InstalledFiles =>
        [paths.EnvironmentFile, paths.MaintenancePage, paths.GunicornUnitFile("socket"), paths.GunicornUnitFile("service"), .. certificateChain is null ? [] : new[] { certificateChain }];

    /// <summary>How the listing reports a file installed by <see cref="InstallFile"/> with this content, mode and group.</summary>
    private static string InstalledFileState(string content, string mode, string group) =>
        $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))}:{mode.TrimStart('0')}:root:{group}";

    /// <summary>Prints a release's manifest (for a suite that does not have it cached).</summary>
    public RemoteCommand ReadManifest(string id) => Command($"read manifest of {id}", $"""
        set -eu
        cat {Shell.Quote(paths.Release(id) + "/.release/manifest")}
        echo ok
        """);

    /// <summary>Deletes the given releases (chosen by <see cref="ReleaseRetention"/>).</summary>
    public RemoteCommand RemoveReleases(IReadOnlyList<string> ids) => Command("remove old releases", ids.Count == 0
        ? "echo ok"
        : $"""
          set -eu
          cd {Shell.Quote(paths.Releases)}
          rm -rf -- {string.Join(' ', ids.Select(ReleaseId.Require))}
          echo changed
          """);

    private RemoteCommand AtomicLink(string title, string link, string target, string id) => Command(title, $$"""
        set -eu
        link={{Shell.Quote(link)}}
        if [ ! -d {{Shell.Quote(paths.Release(id))}} ]; then echo "there is no release {{id}} on this host" >&2; exit 1; fi
        if [ "$(readlink "$link" 2>/dev/null || true)" = {{Shell.Quote(target)}} ]; then echo ok; exit 0; fi
        ln -sfn {{Shell.Quote(target)}} "$link.new"
        mv -T "$link.new" "$link"
        echo changed
        """);

    /// <summary>sh that writes <paramref name="content"/> to <paramref name="file"/> exactly, carried in the script (base64), so that it needs no standard input.</summary>
    private static string WriteInline(string file, string content) =>
        $"printf '%s' {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content))} | base64 -d > {file}";

    /// <summary>A file with this content, mode and group (owner root); plain text travels in the script, secrets on standard input (never in the script).</summary>
    /// <summary>Installs a file root's and <paramref name="group"/>'s with <paramref name="mode"/> (a secret content travels on standard input); runs <paramref name="onChange"/> when it changed.</summary>
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

    private static RemoteCommand Command(string title, string script) => new(script, title);

    private static RemoteCommand Streaming(RemoteCommand command) => command with { Streams = true };
}
