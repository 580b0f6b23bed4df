#!/usr/bin/env bash
# Keeps one sandbox host running, started by the suite's SandboxUp (build/Sandbox), never by hand:
#   sandbox-supervisor.sh NAME SUPERVISOR_PIDFILE NSPAWN_PIDFILE CGROUP... -- systemd-nspawn ARGS...
# Moves itself into a cgroup folder of its own under each given hierarchy (so that hosts do not
# share unit cgroups), runs the command, and runs it again when it exits with 133 (a reboot inside
# the host), so that a reboot behaves like a real one. SIGTERM powers the host off and ends the loop.
set -u
name=$1 supervisor_pidfile=$2 nspawn_pidfile=$3
shift 3
cgroups=()
while [[ $# -gt 0 && $1 != -- ]]; do cgroups+=("$1"); shift; done
shift

for cgroup in "${cgroups[@]}"; do
  mkdir -p "$cgroup" && echo $$ >"$cgroup/cgroup.procs" || { echo "$name: cannot enter cgroup $cgroup" >&2; exit 1; }
done
echo $$ >"$supervisor_pidfile"

stopping=0 child=
trap 'stopping=1; [[ -n $child ]] && kill -TERM "$child" 2>/dev/null' TERM INT
while :; do
  "$@" &
  child=$!
  echo "$child" >"$nspawn_pidfile"
  wait "$child"; status=$?
  while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
  child=
  echo "$name: systemd-nspawn exited with $status at $(date -Is)"
  if ((stopping || status != 133)); then break; fi
  echo "$name: rebooting"
done
rm -f "$nspawn_pidfile" "$supervisor_pidfile"
