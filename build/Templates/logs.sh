set -eu
# The site's logs for the Logs target: the serving gunicorn instance's journal and nginx's access
# and error logs, each line prefixed by its source. With --follow each source runs in a process
# group of its own until this script ends them, when its standard input closes or TERM comes.
lines={{ Lines }}
pattern={{ Pattern }}
since={{ Since }}
serving=$(cat {{ ServingFile }} 2>/dev/null || echo {{ FirstPort }})
unit="{{ UnitPrefix }}@$serving.service"
export lines pattern since unit
functions=$(cat <<'SH'
filter() { if [ -n "$pattern" ]; then grep --line-buffered -E -e "$pattern" || true; else cat; fi; }
journal() {
  if [ -n "$since" ]; then set -- --since "$since" "$@"; fi
  journalctl -u "$unit" --no-pager -o short-iso -n "$lines" "$@" 2>&1 | filter | sed -u 's/^/gunicorn: /'
}
nginx_log() { tail -n "$lines" "$@" 2>&1 | filter | sed -u "s/^/nginx $(basename "$1" .log): /"; }
SH
)
eval "$functions"
if [ {{ Follow }} = no ]; then
  journal
  nginx_log /var/log/nginx/access.log
  nginx_log /var/log/nginx/error.log
  exit 0
fi
groups=
for source in 'journal -f' 'nginx_log /var/log/nginx/access.log -F' 'nginx_log /var/log/nginx/error.log -F'; do
  setsid sh -c "$functions
$source" &
  groups="$groups -$!"
done
stop() { kill -TERM $groups 2>/dev/null || true; }
trap 'stop; exit 0' TERM INT HUP
# The run keeps standard input open while it follows: its end (Ctrl-C, or the connection lost) ends the readers.
cat > /dev/null
stop
