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
# The certificate nginx serves the site with, if any: its names and expiry.
chain=$(sed -n 's/^[[:space:]]*ssl_certificate[[:space:]]\{1,\}\([^;]*\);.*/\1/p' {{ NginxSite }} 2>/dev/null | head -n 1)
scheme=http
if [ -n "$chain" ] && [ -f "$chain" ]; then
  scheme=https
  printf 'certificate\t%s\t%s\n' "$(openssl x509 -in "$chain" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | sed -n 's/^ *DNS://p' | paste -sd ' ')" "$(openssl x509 -in "$chain" -noout -enddate | cut -d= -f2)"
fi
# The site's answer through this host's nginx, by its name (over https: SNI and Host the site's;
# the chain is not checked here, the deploy's health check does that).
/usr/bin/python3 - {{ Domain }} "$scheme" <<'PY'
import socket, ssl, sys
domain, scheme = sys.argv[1:3]
def say(status, body):
    print("answer\t%s\t%s" % (status, " ".join(body.split())[:200]))
try:
    connection = socket.create_connection(("127.0.0.1", 443 if scheme == "https" else 80), timeout=5)
    if scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = context.wrap_socket(connection, server_hostname=domain)
    with connection:
        connection.sendall(("GET /health/ HTTP/1.0\r\nHost: %s\r\n\r\n" % domain).encode())
        answer = b""
        while len(answer) < 65536:
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    say(int(head.split(b" ", 2)[1]), body[:1000].decode("utf-8", "replace"))
except (OSError, ValueError, IndexError) as error:
    say(0, str(error))
PY
echo ok
