#!/usr/bin/env bash
# Benchmark: a one-file deploy rolled through three sandbox web hosts behind the sandbox's HAProxy
# (lb1, batch size 1, HTTPS ending at lb1 as the sandbox deploys it: Tls.Mode acme, the default), next to
# the same one-file deploy to one web host of its own (web4: no load balancer, one cutover). web4 serves
# plain http (--tls_mode=off), as a web host behind lb1 does: its cutover is the same work as a rolled host's.
# Prints each deploy's wall time (./build.sh --target=Deploy, the better of two runs), the Roll task's
# time and its per-batch mean, the drain times HAProxy needed, and each batch's time by phase.
# Target (issue 16): per batch no more than one host's cutover time plus the drain delay.
# Root and bc; the sandbox is shared, so run it under its lock, e.g.:
#   flock -o /run/coralnet-sandbox.lock tools/benchmark-rolling.sh
# It boots web1..web4, lb1 and db1, and leaves them down. The machine's load average is printed with the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=artifacts/benchmark
mkdir -p "$out"
site=$(mktemp -d /tmp/benchmark-rolling-XXXXXX)
trap './build.sh --target=SandboxDown >/dev/null 2>&1 || true; rm -rf "$site"' EXIT
cp -a samples/site/. "$site/"
one=(--sandbox_webhosts=web4 --tls_mode=off)
three=(--sandbox_webhosts=web1,web2,web3 --sandbox_loadbalancer=lb1)

deploy() { # log-file settings...
  local log=$1 start end
  shift
  start=$(date +%s.%N)
  ./build.sh --target=Deploy --verbosity=verbose --site_source="$site" "$@" >"$log" 2>&1 || { echo "Deploy failed; see $log" >&2; tail -30 "$log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

# Cake's task summary line of a task: its duration in seconds.
task_seconds() { # log-file task
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk -v task="$2" '$1 == task { split($2, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3] }' | tail -1
}

best() { # label settings...
  local label=$1 best="" wall
  shift
  for run in 1 2; do
    echo "# one-file change $label $run" >> "$site/project/status/views.py"
    wall=$(deploy "$out/rolling-$label-$run.log" "$@")
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; cp "$out/rolling-$label-$run.log" "$out/rolling-$label.log"; fi
  done
  echo "$best"
}

./build.sh --target=SandboxUp "${three[@]}" >"$out/rolling-up.log" 2>&1
echo "first deploys (configure the hosts and lb1; not measured)..." >&2
# (A host an earlier run lost may hold that run's lock: it is taken over.)
deploy "$out/rolling-first-three.log" "${three[@]}" --take-over-lock >/dev/null
deploy "$out/rolling-first-one.log" "${one[@]}" >/dev/null

wall_one=$(best one "${one[@]}")
wall_three=$(best three "${three[@]}")
cutover_one=$(echo "$(task_seconds "$out/rolling-one.log" RestartGunicorn) + $(task_seconds "$out/rolling-one.log" ReloadNginx) + $(task_seconds "$out/rolling-one.log" HealthCheck)" | bc)
roll=$(task_seconds "$out/rolling-three.log" Roll)
drains=$(sed 's/\x1b\[[0-9;]*m//g' "$out/rolling-three.log" | grep -o 'drained in [0-9.]* s' | awk '{ print $3 }' | paste -sd, -)
printf 'load average (1, 5, 15 min):                %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'one-file deploy, one web host:              %.2f s (its cutover, three tasks: %.2f s)\n' "$wall_one" "$cutover_one"
printf 'one-file deploy, three web hosts rolled:    %.2f s (Roll: %.2f s, %.2f s per batch of 1)\n' "$wall_three" "$roll" "$(echo "$roll / 3" | bc -l)"
printf 'drain times at HAProxy (s):                 %s\n' "$drains"
sed 's/\x1b\[[0-9;]*m//g' "$out/rolling-three.log" | grep -o 'batch [0-9]* done in .*' || true
