#!/usr/bin/env bash
# Benchmark: a deploy changing one file of the sample site padded to 2,000 small files, to a sandbox
# web host already serving the previous release. Prints the suite time (wall time of
# ./build.sh --target=Deploy, and Cake's task total), the bytes that crossed web1's veth in both
# directions during a deploy, and, for a second one-file deploy run with a request loop through
# nginx over https (https://Site.Domain/ on web1:443, a new TLS connection per request, the chain
# checked against the sandbox's test CA) over the whole deploy, the slowest request and the failed ones.
# (Bytes are measured on a deploy without the loop: the loop's own HTTP traffic crosses the same veth.)
# (Verbose, for Cake's task summary and its total.)
# Then the no-op deploy (the same files again: "up to date", no release cut, nothing restarted),
# its wall time printed next to the one-file deploy's (the better of two runs).
# Targets: suite < 2 s, < 50 KB on the wire, zero failed requests, no request slower than 250 ms;
# no-op deploy <= 1.0 s.
# Root and python3; the sandbox is shared, so run it under its lock, e.g.:
#   flock -o /run/coralnet-sandbox.lock tools/benchmark-deploy.sh
# It boots web1 and db1 and leaves them down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
files=${BENCH_FILES:-2000}
host=web1
out=artifacts/benchmark
mkdir -p "$out"
site=$(mktemp -d /tmp/benchmark-site-XXXXXX)
trap './build.sh --target=SandboxDown >/dev/null 2>&1 || true; rm -rf "$site"' EXIT

# The sample site padded to $files files: small text files under project/pad/.
cp -a samples/site/. "$site/"
have=$(find "$site" -type f | wc -l)
python3 - "$site/project/pad" $((files - have)) <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    folder = os.path.join(root, f"d{i // 100:02d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:04d}.txt"), "w") as f:
        f.write(f"padding file {i}\n" * 8)
PY
echo "site: $(find "$site" -type f | wc -l) files in $site" >&2

deploy() { # log-file
  local start end
  start=$(date +%s.%N)
  ./build.sh --target=Deploy --verbosity=verbose --site_source="$site" >"$1" 2>&1 || { echo "Deploy failed; see $1" >&2; tail -30 "$1" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%.3f %s\n' "$(echo "$end - $start" | bc)" "$(sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '/^Total:/ { print $2 }' | tail -1)"
}

./build.sh --target=SandboxUp >"$out/deploy-up.log" 2>&1
web=$(sed 's/\x1b\[[0-9;]*m//g' "$out/deploy-up.log" | grep -o "$host[^0-9]*\(10\.[0-9.]*[0-9]\)" | grep -o '10\.[0-9.]*[0-9]' | head -1)
domain=$(./build.sh --target=ShowSettings 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | awk -F' = ' '/^Site.Domain/ { print $2 }')

echo "first deploy (configures the host, sends everything; not measured)..." >&2
deploy "$out/deploy-first.log" >/dev/null

veth=/sys/class/net/vsb-$host/statistics
echo "# one-file change 1" >> "$site/project/status/views.py"
rx0=$(cat $veth/rx_bytes); tx0=$(cat $veth/tx_bytes)
read -r wall1 total1 < <(deploy "$out/deploy-one-file.log")
rx1=$(cat $veth/rx_bytes); tx1=$(cat $veth/tx_bytes)
sent=$(grep -o '[0-9]* file(s) sent' "$out/deploy-one-file.log" | head -1)

# The second one-file deploy, with a request loop through nginx from before it starts to after it ends.
echo "# one-file change 2" >> "$site/project/status/views.py"
stop="$out/deploy-loop.stop"; rm -f "$stop"
python3 - "$web" "$domain" "$stop" .sandbox/pebble/root.pem >"$out/deploy-loop.txt" <<'PY' &
import http.client, os, socket, ssl, sys, time
address, domain, stop, root = sys.argv[1:5]
context = ssl.create_default_context(cafile=root)

class Site(http.client.HTTPSConnection):
    """https://domain/ reached on the web host's address: SNI and the name check are the site's."""
    def connect(self):
        self.sock = context.wrap_socket(socket.create_connection((address, 443), self.timeout), server_hostname=domain)

latencies, failures = [], []
while not os.path.exists(stop):
    start = time.monotonic()
    try:
        connection = Site(domain, 443, timeout=10, context=context)
        connection.request("GET", "/health/")
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            failures.append(f"{answer.status} {body[:80]!r}")
        connection.close()
    except OSError as error:
        failures.append(str(error))
    latencies.append(time.monotonic() - start)
    time.sleep(0.005)
print(len(latencies), f"{max(latencies) * 1000:.1f}", len(failures))
for failure in failures[:10]:
    print(failure, file=sys.stderr)
PY
loop=$!
sleep 0.5
read -r wall2 total2 < <(deploy "$out/deploy-loop.log")
sleep 0.5
touch "$stop"; wait $loop
read -r requests slowest failed <"$out/deploy-loop.txt"

# The no-op deploy: nothing changed since the last one.
read -r noop1 _ < <(deploy "$out/deploy-noop1.log")
read -r noop2 _ < <(deploy "$out/deploy-noop2.log")
grep -q 'is up to date on every host' "$out/deploy-noop2.log" || { echo "the no-op deploy did not say up to date; see $out/deploy-noop2.log" >&2; exit 1; }
noop=$(echo "if ($noop1 < $noop2) $noop1 else $noop2" | bc)

printf 'one-file deploy (%s):   suite %.2f s wall (Cake task total %s)   on the wire %.1f KB (host->suite %d B, suite->host %d B)\n' \
  "$sent" "$wall1" "$total1" "$(echo "($rx1 - $rx0 + $tx1 - $tx0) / 1024" | bc -l)" $((rx1 - rx0)) $((tx1 - tx0))
printf 'one-file deploy with request loop:  suite %.2f s wall (Cake task total %s)   %d requests, slowest %s ms, failed %d\n' \
  "$wall2" "$total2" "$requests" "$slowest" "$failed"
printf 'no-op deploy ("up to date"):        suite %.2f s wall   next to the one-file deploy: %.2f s\n' "$noop" "$wall1"
echo "targets: suite < 2 s, < 50 KB, slowest < 250 ms, 0 failed; no-op <= 1.0 s" >&2
