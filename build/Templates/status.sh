set -eu
# One host's state for the Status target, one tab-separated fact per line (read by HostStatus.Parse).
site={{ Site }}
if [ -L "$site/current" ]; then
  release=$(basename "$(readlink "$site/current")")
  printf 'release\t%s\n' "$release"
  sed -n 's/^RELEASE_COMMIT=/commit\t/p; s/^RELEASE_DIRTY=/dirty\t/p' "$site/releases/$release/.release/env" 2>/dev/null || true
fi
serving=$(cat "$site/slots/serving" 2>/dev/null || true)
for port in {{ Ports }}; do
  state=$(systemctl is-active "{{ UnitPrefix }}@$port.service" 2>/dev/null || true)
  slot=$(readlink "$site/slots/$port" 2>/dev/null || true)
  printf 'gunicorn\t%s\t%s\t%s\t%s\n' "$port" "$state" "${slot##*/}" "$([ "$port" = "$serving" ] && echo serving || echo standby)"
done
if [ -d "$site/deploy.lock" ]; then
  printf 'lock\t%s\n' "$(paste -sd ' ' "$site/deploy.lock/holder" 2>/dev/null || echo 'holder not written yet')"
fi
last=$(grep -E '"target":"(Deploy|Rollback)"' {{ AuditLog }} 2>/dev/null | tail -n 1 || true)
if [ -n "$last" ]; then printf 'last\t%s\n' "$last"; fi
disk=/
if [ -d "$site" ]; then disk=$site; fi
df -P -k "$disk" | awk 'NR == 2 { printf "disk\t%.0f\t%.0f\n", $4 * 1024, $2 * 1024 }'
if [ -e /var/run/reboot-required ]; then printf 'reboot\t%s\n' "$(tr '\n' ' ' < /var/run/reboot-required.pkgs 2>/dev/null || true)"; fi
if [ -e {{ MaintenanceFlag }} ]; then printf 'maintenance\ton\n'; fi
/usr/bin/python3 - {{ Domain }} <<'PY'
import sys, urllib.error, urllib.request
request = urllib.request.Request("http://127.0.0.1/health/", headers={"Host": sys.argv[1]})
def say(status, body):
    print("answer\t%s\t%s" % (status, " ".join(body.split())[:200]))
try:
    with urllib.request.urlopen(request, timeout=5) as answer:
        say(answer.status, answer.read(1000).decode("utf-8", "replace"))
except urllib.error.HTTPError as error:
    say(error.code, error.read(1000).decode("utf-8", "replace"))
except OSError as error:
    say(0, str(error))
PY
echo ok
