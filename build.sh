#!/usr/bin/env bash
# Runs the coralnet-deploy suite: ./build.sh --target=Deploy (see ./build.sh --help).
# Builds the suite only when its sources changed since the last build, then runs it with every
# argument passed through. Runs from the repository root, whatever the caller's directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

required=$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' global.json)
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK is not installed; install .NET SDK ${required%.*} (${required} or a later feature band), then run this again." >&2
  exit 1
fi
major_minor=${required%.*}
if ! dotnet --list-sdks 2>/dev/null | grep -q "^${major_minor}\."; then
  echo "error: .NET SDK ${major_minor} is not installed (global.json asks for ${required} or later); found: $(dotnet --list-sdks | cut -d' ' -f1 | tr '\n' ' ')" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
program=build/bin/Release/net10.0/Build.dll
stamp=build/bin/Release/.built-from-sources
if [[ ! -f "$program" || ! -f "$stamp" ]] || [[ -n "$(find build global.json Directory.Build.props Directory.Build.targets \
    -newer "$stamp" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
    -not -path 'build/bin/*' -not -path 'build/obj/*' -print -quit)" ]]; then
  dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:NoSummary >&2
  touch "$stamp"
fi
exec dotnet "$program" "$@"
