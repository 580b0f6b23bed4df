#!/usr/bin/env bash
# Benchmark: a one-file change of the sample deployed to a sandbox web host already serving the
# previous release, with Site.Runtime host and with Site.Runtime container, side by side: the suite
# time (wall time of ./build.sh --target=Deploy) and the bytes that crossed web1's veth each way
# (for the container: the image's build and push on this machine, the pull of the changed layer,
# migrate and collectstatic in one-off containers, the cutover). Each runtime boots its own sandbox
# (the hosts boot differently for containers); the first deploy of each is not measured, and of the
# two one-file deploys after it the second is printed (the first may still make the base image's layer).
# Targets (issue 15): the container one-file deploy under 4 s and under 300 KB.
# Root and bc; the sandbox is shared, so run it under its lock:
#   flock -o /run/coralnet-sandbox.lock tools/benchmark-container-deploy.sh
# It leaves the sandbox down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=artifacts/benchmark
mkdir -p "$out"
site=$(mktemp -d /tmp/benchmark-container-XXXXXX)
trap './build.sh --target=SandboxDown >/dev/null 2>&1 || true; rm -rf "$site"' EXIT
cp -a samples/site/. "$site/"
veth=/sys/class/net/vsb-web1/statistics

deploy() { # log-file, extra arguments...
  local log=$1
  shift
  ./build.sh --target=Deploy --site_source="$site" "$@" >"$log" 2>&1 || { echo "Deploy failed; see $log" >&2; tail -30 "$log" >&2; exit 1; }
}

measure() { # label, extra arguments...
  local label=$1 start end rx0 tx0 rx1 tx1 round
  shift
  ./build.sh --target=SandboxDown >/dev/null 2>&1
  echo "$label: first deploy (boots the sandbox, configures the host; not measured)..." >&2
  deploy "$out/container-bench-$label-first.log" "$@"
  for round in 1 2; do
    echo "# one-file change $label $round $(date +%s%N)" >> "$site/project/status/views.py"
    rx0=$(cat $veth/rx_bytes); tx0=$(cat $veth/tx_bytes)
    start=$(date +%s.%N)
    deploy "$out/container-bench-$label-$round.log" "$@"
    end=$(date +%s.%N)
    rx1=$(cat $veth/rx_bytes); tx1=$(cat $veth/tx_bytes)
  done
  printf '%-9s one-file deploy: suite %.2f s, %d bytes to web1, %d bytes from web1\n' "$label" "$(echo "$end - $start" | bc)" $((tx1 - tx0)) $((rx1 - rx0))
}

measure host
measure container --site_runtime=container
