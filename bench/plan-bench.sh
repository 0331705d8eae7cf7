#!/usr/bin/env bash
# Benchmark (not a test): `pictl plan` against simulated clusters of 10, 50, 100 and 200 nodes.
# For each size: a description with one k3s server, N-1 agents, cgroup flags and docker on every
# node, a StorageClass and one PV per ten nodes; a simulated fleet started from it (fresh boards);
# then `pictl plan` timed end to end (JVM start included) and its peak RSS; and the exec round trips
# per node as the simulated nodes counted them (DESIGN §9: one probe round trip per node).
#
#   bench/plan-bench.sh              # 10 50 100 200
#   bench/plan-bench.sh 10 20
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 50 100 200)
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
./pictl version >/dev/null
work=$(mktemp -d)
cleanup() { [ -d "$work/sim" ] && ./pictl sim stop --dir "$work/sim" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# generate N FILE
. bench/cluster-gen.sh   # the working directory is the repository root here

execs_total() { # sum of the EXECS column of `pictl sim status`
  ./pictl sim status --dir "$work/sim" 2>/dev/null \
    | awk '/^NODE/ { for (i = 1; i <= NF; i++) if ($i == "EXECS") col = i; next } col && /^pi-/ { s += $col } END { print s + 0 }'
}

printf '%-6s %-10s %-12s %-16s %-12s\n' nodes resources plan_ms round_trips/node peak_rss_mb
for n in "${SIZES[@]}"; do
  f="$work/cluster.hcl"
  generate "$n" "$f"
  ./pictl sim start -c "$f" --dir "$work/sim" >/dev/null
  before=$(execs_total)
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" ./pictl plan -c "$f" --sim="$work/sim" --parallelism 32 >"$work/plan.out" 2>&1 || {
    echo "plan failed for $n nodes:" >&2; tail -n 20 "$work/plan.out" >&2; exit 1; }
  end=$(date +%s%N)
  after=$(execs_total)
  resources=$(grep -Eo 'Plan: [0-9]+ to add, [0-9]+ to change' "$work/plan.out" | awk '{ print $2 + $5 }')
  printf '%-6s %-10s %-12s %-16s %-12s\n' "$n" "$resources" "$(( (end - start) / 1000000 ))" \
    "$(awk -v a="$after" -v b="$before" -v n="$n" 'BEGIN { printf "%.2f", (a - b) / n }')" "$(( $(tail -n 1 "$work/rss") / 1024 ))"
  ./pictl sim stop --dir "$work/sim" >/dev/null
  rm -rf "$work/sim"
done
echo "(plan against fresh simulated boards, --parallelism 32; JVM start-up included; $(nproc) cores, java $(java -version 2>&1 | head -1 | cut -d'"' -f2))"
