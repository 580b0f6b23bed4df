#!/usr/bin/env bash
# Benchmark: a warm ./build.sh --tree (nothing changed since the last build) against a plain
# `dotnet run` of the same project, and a warm build.ps1 --tree when tools/pwsh (PowerShell, which the
# Test target installs) is there. Prints the median of N runs of each, in seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-10}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
measure() {
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
  done | median
}

./build.sh --tree >/dev/null  # make sure the build is current
dotnet build build/Build.csproj -c Release --nologo -v quiet >/dev/null  # for dotnet run below
echo "warm ./build.sh --tree:        $(measure ./build.sh --tree) s (median of $runs)"
echo "built program alone:           $(measure dotnet build/bin/Release/app/Build.dll --tree) s (median of $runs)"
echo "dotnet run --project build:    $(measure dotnet run --project build/Build.csproj -c Release -- --tree) s (median of $runs)"
if [[ -x tools/pwsh/pwsh ]]; then
  export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
  echo "warm pwsh ./build.ps1 --tree:  $(measure tools/pwsh/pwsh -NoProfile -File build.ps1 --tree) s (median of $runs)"
  echo "pwsh alone (-Command exit):    $(measure tools/pwsh/pwsh -NoProfile -Command exit) s (median of $runs)"
fi
