#!/usr/bin/env bash
# Benchmark: from a built base, how long SandboxUp of the two default hosts (web1, db1) takes,
# from nothing running to both answering SSH, and to db1's PostgreSQL being set up. Target: < 15 s.
# Run as root from anywhere: tools/benchmark-sandbox.sh [extra build.sh arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./build.sh --target=SandboxStatus "$@" >/dev/null          # builds the suite if needed: not measured
if [[ ! -d .sandbox/base ]]; then
  echo "No base yet: building it first (not measured)..."
  ./build.sh --target=SandboxUp "$@" >/dev/null
fi
./build.sh --target=SandboxDown "$@" >/dev/null

start=$(date +%s.%N)
ready=""
while IFS= read -r line; do
  if [[ -z $ready && $line == *"(started)"* ]]; then ready=$(date +%s.%N); fi
done < <(./build.sh --target=SandboxUp "$@" 2>&1)
end=$(date +%s.%N)
status=$(./build.sh --target=SandboxStatus "$@" | grep -c 'running' || true)

printf 'hosts running after SandboxUp: %s\n' "$status"
printf 'SandboxUp, 2 hosts from a built base, all answering SSH: %.1f s\n' "$(awk "BEGIN{print $ready - $start}")"
printf 'SandboxUp, 2 hosts from a built base, total (with PostgreSQL on db1): %.1f s (target < 15 s)\n' "$(awk "BEGIN{print $end - $start}")"
