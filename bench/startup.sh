#!/usr/bin/env bash
# Benchmark (not a test): start-up of two pictl launchers, run alternately so that the load of a shared machine
# falls on both alike. For each command (--help, validate of the seed, plan of the seed against a running
# simulator) it prints the median wall time and the median user+system CPU of RUNS runs of each launcher.
#
#   bench/startup.sh BEFORE_LAUNCHER AFTER_LAUNCHER SIM_CONFIG_DIR   # e.g. a checkout of an older commit's ./pictl
#   RUNS=20 bench/startup.sh /tmp/old/pictl ./pictl /tmp/seed         # /tmp/seed: a copy of examples/seed with
#                                                                     # `pictl sim start -c /tmp/seed` running
set -euo pipefail
RUNS=${RUNS:-20}
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
before=$(abs "$1") after=$(abs "$2") sim=$3
seed=$(cd "$(dirname "$0")/../examples/seed" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one() { # $1 = launcher, rest = arguments -> "wall_ms cpu_ms" (cpu: user + system of the whole process tree)
  local l=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  TIMEFORMAT='%U %S'
  { time "$l" "$@" >/dev/null 2>&1; } 2>"$work/t" || true
  t1=$(date +%s%N)
  read -r u s <"$work/t"
  echo "$(( (t1 - t0) / 1000000 )) $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

bench() { # $1 = label, rest = arguments
  local label=$1; shift
  : >"$work/b" ; : >"$work/a"
  "$before" "$@" >/dev/null 2>&1 || true; "$after" "$@" >/dev/null 2>&1 || true   # warm the page cache
  for ((r = 0; r < RUNS; r++)); do
    one "$before" "$@" >>"$work/b"
    one "$after" "$@" >>"$work/a"
  done
  printf '%-28s %9s %9s %9s %9s\n' "$label" \
    "$(cut -d' ' -f1 "$work/b" | median)" "$(cut -d' ' -f1 "$work/a" | median)" \
    "$(cut -d' ' -f2 "$work/b" | median)" "$(cut -d' ' -f2 "$work/a" | median)"
}

printf '%-28s %9s %9s %9s %9s\n' "command (medians, ms)" "wall bef" "wall aft" "cpu bef" "cpu aft"
bench "--help" --help
bench "validate (seed)" validate -c "$seed"
(cd "$sim" && bench "plan --sim (4 nodes)" plan -c . --sim)
echo "($RUNS alternating runs each; $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
