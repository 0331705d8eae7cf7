#!/usr/bin/env bash
# Benchmark (not a test): time and memory of `pictl validate` and `pictl graph` on generated
# configurations of 10, 100 and 1,000 nodes (1 server, N-1 agents, cgroup flags, docker on every
# node, a StorageClass, one PV per ten nodes). Prints one row per size; each time is the median of
# RUNS runs of the real launcher (JVM start included); peak RSS is the largest of those runs.
#
#   bench/validate-bench.sh            # sizes 10 100 1000, 5 runs each
#   RUNS=3 bench/validate-bench.sh 10 5000
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 100 1000)
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
./pictl version >/dev/null   # builds the jar if needed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# generate N FILE
. bench/cluster-gen.sh   # the working directory is the repository root here

measure() { # $1 = command, $2 = file -> "median_ms max_rss_mb"
  local cmd=$1 f=$2 r times=() rss=0
  for ((r = 0; r < RUNS; r++)); do
    local start end kb
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/rss" ./pictl "$cmd" -c "$f" >/dev/null 2>&1
    kb=$(tail -n 1 "$work/rss")
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    ((kb > rss)) && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "$median $((rss / 1024))"
}

printf '%-7s %-10s %-10s %-14s %-14s %-14s\n' nodes resources lines validate_ms graph_ms peak_rss_mb
for n in "${SIZES[@]}"; do
  f="$work/cluster-$n.hcl"
  generate "$n" "$f"
  ./pictl validate -c "$f" >/dev/null 2>&1 || { echo "generated config for $n nodes is invalid" >&2; ./pictl validate -c "$f"; exit 1; }
  resources=$(./pictl validate -c "$f" | sed -E 's/.*\(([0-9]+) resources\).*/\1/')
  read -r vms vrss < <(measure validate "$f")
  read -r gms grss < <(measure graph "$f")
  printf '%-7s %-10s %-10s %-14s %-14s %-14s\n' "$n" "$resources" "$(wc -l < "$f")" "$vms" "$gms" "$(( vrss > grss ? vrss : grss ))"
done
echo "(times: median of $RUNS runs of ./pictl, JVM start-up included; java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) cores)"
