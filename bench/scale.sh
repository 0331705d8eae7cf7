#!/usr/bin/env bash
# Benchmark (not a test): pictl at scale (issue 17).
#
#   plan N    `pictl plan` of N simulated boards (bench/cluster-gen.sh: 1 server, N-1 agents, cgroup flags and docker
#             on every board, a StorageClass, a PV per ten boards; fresh boards) with pictl's heap capped at
#             -Xmx256m (the simulator's JVM is not capped: the node side is not pictl). It prints the wall time
#             (JVM start included), pictl's CPU, its peak RSS, the largest live heap after a GC (from the GC
#             log) and that heap per board.
#   apply N:P `pictl apply` of 1 server + N-1 agents from bare boards at parallelism P, with its parallel
#             efficiency: bench/apply-bench.sh N:P (see there for the columns).
#
#   bench/scale.sh                       # plan 1000, then apply 201:32
#   bench/scale.sh plan 100 plan 1000    # any sequence of `plan N` and `apply N:P`
#   SIM_TIMEOUT=600 bench/scale.sh plan 1000
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(plan 1000 apply 201:32)
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
./pictl version >/dev/null
work=$(mktemp -d)
sim="$work/sim"
first="127.$((RANDOM % 90 + 150)).1.10"   # a /16 of its own: 1,000 boards need 5 /24s (240 boards each)
port=$((30000 + RANDOM % 20000))
cleanup() { ./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# generate N FILE
. bench/cluster-gen.sh   # the working directory is the repository root here

plan() { # N
  local n=$1 f="$work/plan-$1/cluster.hcl"
  mkdir -p "$work/plan-$n"
  generate "$n" "$f"
  ./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true
  rm -rf "$sim"
  local s0 s1
  s0=$(date +%s%N)
  ./pictl sim start -c "$f" --dir "$sim" --first-address "$first" --port "$port" --timeout "${SIM_TIMEOUT:-600}" >/dev/null
  s1=$(date +%s%N)
  local simrss
  simrss=$(awk '/^VmRSS/ { print int($2 / 1024) }' \
    "/proc/$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$sim/daemon.json")/status" 2>/dev/null || echo "?")
  local t0 t1 rc
  t0=$(date +%s%N)
  set +e
  PICTL_JAVA_OPTS="-Xmx256m -Xlog:gc:file=$work/gc-$n.log" /usr/bin/time -f '%M %U %S' -o "$work/time" \
    ./pictl plan -c "$f" --sim="$sim" --parallelism 32 --no-color >"$work/plan-$n/out" 2>&1
  rc=$?
  set -e
  t1=$(date +%s%N)
  if [ "$rc" -ne 0 ] || ! grep -q '^Plan: ' "$work/plan-$n/out"; then
    echo "plan failed for $n boards (exit $rc):" >&2; tail -n 20 "$work/plan-$n/out" >&2; exit 1
  fi
  read -r rss u s < <(tail -n 1 "$work/time")
  # "[1.234s][info][gc] GC(3) Pause Young (Allocation Failure) 80M->12M(245M) 5.123ms": the largest "after".
  local live
  live=$(grep -Eo -- '->[0-9]+M' "$work/gc-$n.log" | tr -dc '0-9\n' | sort -n | tail -n 1)
  printf '%-6s %9s %8.1f %8.1f %9d %10s %13s %9s %9s\n' "$n" "$(grep -Eo 'Plan: [0-9]+ to add, [0-9]+ to change' \
    "$work/plan-$n/out" | awk '{ print $2 + $5 }')" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" \
    "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" "$((rss / 1024))" "${live:-0}" \
    "$(awk -v l="${live:-0}" -v n="$n" 'BEGIN { printf "%.0f", l * 1024 / n }')" \
    "$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')" "$simrss"
  ./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true
  rm -rf "$sim"
}

i=0
while [ $i -lt ${#ARGS[@]} ]; do
  what=${ARGS[$i]} arg=${ARGS[$((i + 1))]:-}
  i=$((i + 2))
  case $what in
    plan)
      printf '%-6s %9s %8s %8s %9s %10s %13s %9s %9s\n' boards resources plan_s cpu_s rss_mb live_mb \
        live_kb/board simstart_s sim_rss_mb
      plan "$arg"
      echo "(pictl -Xmx256m, --parallelism 32, JVM start-up included; live_mb: the largest heap after a GC;" \
        "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); node side and admin side share this machine)"
      ;;
    apply) bench/apply-bench.sh "$arg" ;;
    *) echo "usage: bench/scale.sh [plan N | apply N:P]..." >&2; exit 2 ;;
  esac
done
