#!/usr/bin/env bash
# Benchmark: ProvisionAws of environments/emulator.json against moto's server (python3 -m moto.server)
# on a free loopback port: on an empty account (everything created; the emulator prints no host keys
# and the environment trusts on first use, so there is no host-key wait) and a no-op run right after.
# Prints the median of N rounds of each, in seconds, and the program's own start (--tree) for scale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-5}

python3 -c 'import moto.server' 2>/dev/null || { echo "needs moto's server in python3: python3 -m pip install 'moto[server]==5.2.1'" >&2; exit 1; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
work=$(mktemp -d)
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto"; rm -rf "$work"' EXIT
until curl -sf "$endpoint/moto-api/" >/dev/null; do sleep 0.2; done

mkdir -p "$work/repo/environments" "$work/repo/samples/emulator" "$work/repo/samples/site"
cp environments/emulator.json "$work/repo/environments/"
cp samples/emulator/operator.pub "$work/repo/samples/emulator/"
export AWS_ACCESS_KEY_ID=emulator-key AWS_SECRET_ACCESS_KEY=emulator-secret
export CORALNET_EMULATOR_SECRET_KEY=emulator-django-secret-key-0123456789
export CORALNET_EMULATOR_DB_PASSWORD=Emulator-db-passw0rd CORALNET_EMULATOR_MASTER_PASSWORD=Emulator-master-passw0rd

./build.sh --tree >/dev/null  # make sure the build is current
suite() { ./build.sh --working="$work/repo" --environment=emulator --aws-endpoint="$endpoint" --verbosity=quiet "$@" >/dev/null; }
seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null || { echo "failed: $*" >&2; kill "$$"; }; awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", e - s }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

empty=() noop=() start=()
for _ in $(seq "$runs"); do
  curl -sf -X POST "$endpoint/moto-api/reset" >/dev/null
  rm -rf "$work/repo/artifacts"
  empty+=("$(seconds suite --target=ProvisionAws)")
  noop+=("$(seconds suite --target=ProvisionAws)")
  start+=("$(seconds ./build.sh --working="$work/repo" --environment=emulator --tree)")
done
echo "ProvisionAws, empty account:   $(printf '%s\n' "${empty[@]}" | median) s (median of $runs)"
echo "ProvisionAws, nothing to do:   $(printf '%s\n' "${noop[@]}" | median) s (median of $runs)"
echo "the program's start (--tree):  $(printf '%s\n' "${start[@]}" | median) s (median of $runs)"
