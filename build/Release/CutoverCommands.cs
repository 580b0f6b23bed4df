using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>The commands of the blue/green cutover: the gunicorn slots, <c>current</c>, and the nginx site.</summary>
public sealed class CutoverCommands(ReleasePaths paths)
{
    /// <summary>Enables and starts the listening sockets of the gunicorn instances.</summary>
    public RemoteCommand EnableSockets(IEnumerable<int> ports)
    {
        var units = ports.Select(p => paths.GunicornUnit(p) + ".socket").ToList();
        var words = string.Join(' ', units.Select(Shell.Quote));
        // One systemctl call per question for all the units (each prints one line per unit, in order).
        return Command("enable gunicorn sockets", $$"""
            set -eu
            if [ "$(systemctl is-enabled {{words}} 2>/dev/null || true)" = {{Shell.Quote(string.Join('\n', units.Select(_ => "enabled")))}} ] \
              && [ "$(systemctl is-active {{words}} 2>/dev/null || true)" = {{Shell.Quote(string.Join('\n', units.Select(_ => "active")))}} ]; then
              echo ok
              exit 0
            fi
            systemctl enable --now {{words}}
            echo changed
            """);
    }

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

    /// <summary>
    /// Makes the instance on <paramref name="serving"/> start at boot and none of <paramref name="standby"/>
    /// (none at all when <paramref name="serving"/> is null): the container runtime's instances have no socket
    /// that would start them on nginx's first request, as the host runtime's do.
    /// </summary>
    public RemoteCommand StartAtBoot(int? serving, IEnumerable<int> standby)
    {
        var enabled = serving is int port ? Shell.Quote(paths.GunicornUnit(port) + ".service") : "";
        var disabled = string.Join(' ', standby.Select(p => Shell.Quote(paths.GunicornUnit(p) + ".service")));
        return Command(serving is null ? "no slot starts at boot" : $"slot {serving} starts at boot", $$"""
            set -eu
            status=ok
            for unit in {{disabled}}; do
              if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" = enabled ]; then systemctl disable --quiet "$unit"; status=changed; fi
            done
            for unit in {{enabled}}; do
              if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then systemctl enable --quiet "$unit"; status=changed; fi
            done
            echo "$status"
            """);
    }

    /// <summary>
    /// Waits a second after nginx was pointed back: its old workers may still pass a request to the standby
    /// instance, which, stopped at once, would leave it waiting in the socket systemd keeps open.
    /// </summary>
    public RemoteCommand LetNginxWorkersDrain() => Command("let nginx's old workers drain", "sleep 1\necho ok");

    /// <summary>Forgets which instance serves (the undo of a first deploy's cutover: none served before).</summary>
    public RemoteCommand UnmarkServingSlot() => Command("unmark the serving slot", $$"""
        set -eu
        file={{Shell.Quote(paths.Slots + "/serving")}}
        if [ -e "$file" ]; then rm -f "$file"; echo changed; else echo ok; fi
        """);

    /// <summary>Removes <c>current</c> (the undo of a first deploy's switch: no link is left naming a release that is deleted).</summary>
    public RemoteCommand RemoveCurrent() => Command("remove current", $$"""
        set -eu
        link={{Shell.Quote(paths.Current)}}
        if [ -L "$link" ]; then rm -f "$link"; echo changed; else echo ok; fi
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
    /// most <paramref name="timeoutSeconds"/>; then, when <paramref name="warmRequests"/> is above 0, that
    /// many requests at once, each of which must answer so too (each worker's first request loads the site's
    /// views and opens its database connection: that one should not be a visitor's). On failure prints the
    /// last answer and the instance's journal.
    /// </summary>
    public RemoteCommand CheckSlot(int port, string id, string domain, int timeoutSeconds, int warmRequests = 0) =>
        Command($"check gunicorn on {port} serves {id}{(warmRequests > 0 ? $", {warmRequests} requests at once" : "")}", $$"""
        set -eu
        if ! {{SystemPython}} - {{port}} {{Shell.Quote(ReleaseId.Require(id))}} {{Shell.Quote(domain)}} {{timeoutSeconds}} {{warmRequests}} <<'PY'
        import sys, threading, time, urllib.error, urllib.request
        port, wanted, domain, timeout, warm = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"http://127.0.0.1:{port}/health/", headers={"Host": domain})
        def ask():
            try:
                with urllib.request.urlopen(request, timeout=max(1.0, deadline - time.monotonic())) as answer:
                    body = answer.read().decode("utf-8", "replace").strip()
                    return None if body == wanted else f"answered {answer.status} with '{body}'"
            except urllib.error.HTTPError as error:
                return f"answered {error.code} with '{error.read().decode('utf-8', 'replace').strip()[:200]}'"
            except OSError as error:
                return f"did not answer: {error}"
        while (last := ask()) is not None:
            if time.monotonic() >= deadline:
                print(f"gunicorn on 127.0.0.1:{port} {last} instead of 200 with {wanted}, after {timeout:.0f} s", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.01)
        answers = [None] * warm
        def warm_one(index):
            answers[index] = ask()
        threads = [threading.Thread(target=warm_one, args=(i,)) for i in range(warm)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if (problem := next((a for a in answers if a is not None), None)) is not None:
            print(f"gunicorn on 127.0.0.1:{port} {problem} instead of 200 with {wanted}, asked by {warm} requests at once", file=sys.stderr)
            sys.exit(1)
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

    /// <summary>Keeps a copy of the nginx site that serves (beside it, not enabled), for <see cref="RestoreNginxSite"/>; nothing when the host has none.</summary>
    public RemoteCommand SaveNginxSite() => Command("keep the serving nginx site", $$"""
        set -eu
        available={{Shell.Quote(paths.NginxAvailable)}}
        if [ -f "$available" ]; then cp -p "$available" "$available.serving"; fi
        echo ok
        """);

    /// <summary>
    /// Puts back the nginx site kept by <see cref="SaveNginxSite"/> when it proxies to <paramref name="port"/>
    /// (a copy kept by an earlier cutover that proxies elsewhere is left alone): the undo of a cutover, which
    /// renders no template, so a broken one cannot stop it; checked with <c>nginx -t</c>, reloaded gracefully.
    /// </summary>
    public RemoteCommand RestoreNginxSite(int port) => Command($"restore the nginx site serving {port}", $$"""
        set -eu
        available={{Shell.Quote(paths.NginxAvailable)}}
        if [ ! -f "$available.serving" ] || ! grep -qF '127.0.0.1:{{port}};' "$available.serving" || cmp -s "$available.serving" "$available"; then echo ok; exit 0; fi
        cp -p "$available.serving" "$available"
        ln -sfn "$available" {{Shell.Quote(paths.NginxEnabled)}}
        nginx -t
        systemctl reload nginx
        echo changed
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
        cat > "$available.new"
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
        # The reload is asynchronous: wait (at most 2 s) until nginx's master runs workers of the new config and
        # every old worker has stopped taking connections (its title then says it is shutting down, as it closes
        # its listening sockets), so that the health check's first connection meets the new config: an old
        # worker would proxy it to the old instance, then close it, and the check would need another TLS handshake.
        master=$(cat /run/nginx.pid 2>/dev/null || true)
        workers() { for stat in /proc/[0-9]*/stat; do read -r pid comm state parent rest < "$stat" 2>/dev/null || continue; if [ "$parent" = "$master" ]; then printf '%s ' "$pid"; fi; done; }
        old_taking() { for pid in $before; do title=$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") || continue; case "$title" in *'shutting down'*) ;; *'worker process'*) return 0 ;; esac; done; return 1; }
        before=$(workers)
        systemctl reload nginx
        tries=0
        while [ -n "$before" ] && { [ "$(workers)" = "$before" ] || old_taking; } && [ "$tries" -lt 200 ]; do sleep 0.01; tries=$((tries + 1)); done
        echo changed
        """) with { Input = new CommandInput.PlainText(config) };

    private RemoteCommand AtomicLink(string title, string link, string target, string id) => Command(title, $$"""
        set -eu
        link={{Shell.Quote(link)}}
        if [ ! -d {{Shell.Quote(paths.Release(id))}} ]; then echo "there is no release {{id}} on this host" >&2; exit 1; fi
        if [ "$(readlink "$link" 2>/dev/null || true)" = {{Shell.Quote(target)}} ]; then echo ok; exit 0; fi
        ln -sfn {{Shell.Quote(target)}} "$link.new"
        mv -T "$link.new" "$link"
        echo changed
        """);
}
