#!/usr/bin/env bash
# Benchmark: a no-op ConfigureHost (hosts already configured) on one sandbox web host, then on three.
# Prints, for each, the suite time (the ConfigureHost tasks' time, per task the slowest host, from
# --report) with the process wall time beside it, and the SSH connections the run opened.
# Targets: under 0.5 s and one connection per host; three hosts under 1.3 times one host.
# Needs a running sandbox with the web hosts named below: ./build.sh --target=SandboxUp --sandbox_webhosts=web1,web2,web3 --tls_mode=off
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
one=${BENCH_ONE_HOST:-web1}
three=${BENCH_THREE_HOSTS:-web1,web2,web3}
runs=${BENCH_RUNS:-3}
out=artifacts/benchmark
mkdir -p "$out"

run() { # hosts report-file
  ./build.sh --target=ConfigureHost --sandbox_webhosts="$1" --tls_mode=off --report="$2" --verbosity=minimal >"$2.log" 2>&1 \
    || { echo "ConfigureHost failed on $1; see $2.log" >&2; tail -20 "$2.log" >&2; exit 1; }
}

figures() { # report-file
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
per_task = {}
for t in r["tasks"]:
    per_task[t["task"]] = max(per_task.get(t["task"], 0), t["durationMs"])
changed = sum(h["changed"] for h in r["hosts"])
print(f'{sum(per_task.values()) / 1000:.3f} {r["connectionsOpened"]} {len(r["hosts"])} {changed}')
PY
}

measure() { # label hosts
  local best="" line
  run "$2" "$out/warmup.json"   # configures the hosts if they are not yet: not measured
  for i in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s.%N); run "$2" "$out/$1-$i.json"; end=$(date +%s.%N)
    line="$(figures "$out/$1-$i.json") $(echo "$end - $start" | bc)"
    if [[ -z "$best" || $(echo "${line%% *} < ${best%% *}" | bc) == 1 ]]; then best=$line; fi
  done
  read -r suite connections hosts changed wall <<<"$best"
  printf '%-12s suite %6.3f s   wall %6.2f s   ssh connections %d for %d host(s)   changed=%d\n' "$1" "$suite" "$wall" "$connections" "$hosts" "$changed" >&2
  echo "$suite"
}

echo "No-op ConfigureHost, best of $runs:" >&2
t1=$(measure one-host "$one")
t3=$(measure three-hosts "$three")
printf 'three hosts / one host: %.2f (target < 1.3); one host: %.3f s (target < 0.5 s)\n' "$(echo "$t3 / $t1" | bc -l)" "$t1" >&2
