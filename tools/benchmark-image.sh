#!/usr/bin/env bash
# Benchmark: the sample's image after a one-file change. Prints the suite time of PushImage (build
# and push, the engine's start included), the build and push times the suite reports, and the bytes
# the local registry's storage grew by (the new layer, its config and manifest: what was pushed).
# Root; needs podman, runc, docker-registry, a docker client and the sandbox's Debian tree
# (.sandbox/base, made by SandboxUp). A warm-up run first makes the base image (once, about two
# minutes) and pushes its layer. Target (issue 15): under 300 KB pushed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
site=$(mktemp -d /tmp/benchmark-image-XXXXXX)
trap 'rm -rf "$site"' EXIT
cp -a samples/site/. "$site/"
registry=artifacts/containers/registry/data
push() { ./build.sh --target=PushImage --site_source="$site"; }

push >/dev/null
echo "# changed by the benchmark $(date +%s%N)" >> "$site/project/status/views.py"
bytes() { find "$registry" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }'; }
before=$(bytes)
start=$(date +%s.%N)
output=$(push 2>&1)
end=$(date +%s.%N)
after=$(bytes)
grep -E "BuildImage: built|PushImage: pushed" <<<"$output"
printf 'suite time: %.1f s\npushed: %d bytes (how much the registry files grew)\n' "$(echo "$end - $start" | bc)" $((after - before))
