#!/usr/bin/env bash
# Benchmark (not a test): full `pictl apply` from bare simulated boards, for the seed cluster (4 boards) and for
# 1 server + 50 agents, with the parallel efficiency of the walk (DESIGN §9: a bare fleet is provisioned in
# parallel, wall time close to the slowest single node).
#
# For each run: a fresh simulated fleet from the description (`pictl sim start -c`, the daemon's own delays:
# reboots ~1.5 s, k3s starts 0.2 s), then `pictl apply --auto-approve --parallelism P` timed end to end (JVM
# start and probe included). Every progress line is timestamped as it arrives (bash's EPOCHREALTIME; pictl's
# own "after Ns" is rounded to seconds), which gives each resource's time from `X: Creating...` (or
# Modifying/Destroying) to `X: ... complete after` / `failed after`. The plan's grouping gives each resource's
# node. Columns:
#   wall      the whole command;   walk   first resource start -> last resource end
#   sum       sum of the resources' times (work done, including steps that wait on the board)
#   slowest   the node with the largest sum of its own resources' times
#   eff       sum / walk / P                (the share of the P worker slots that were busy)
#   eff*      sum / walk / min(P, nodes)    (per node: at most one resource of a node runs at a time here)
#   walk/slowest  1.0 = the walk took as long as the slowest node alone
#
# One run on the development box (2 cores, JDK 17, nothing else running):
#   cluster              nodes resources    P   wall_s   walk_s    sum_s  slowest_s    eff   eff*  walk/slowest
#   seed (1+3)               4        18    4      7.7      6.6     22.1        5.7   0.83   0.83          1.17
#   1 server + 50 agents    51       211   10     33.8     30.4    295.2        6.1   0.97   0.97          4.97
#   1 server + 50 agents    51       211   50     18.8     14.9    638.3       13.9   0.86   0.86          1.07
# At P=50 every resource takes about twice as long as at P=10 (sum 638 s vs 295 s): the two cores run the 51
# simulated boards' shells as well as pictl, so the slots are busy but partly waiting for CPU.
#
#   bench/apply-bench.sh                  # seed at P=4, 1+50 at P=10 (the default) and P=50
#   bench/apply-bench.sh seed:4 51:10     # CLUSTER:P pairs (CLUSTER = seed or a node count)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(seed:4 51:10 51:50)
./pictl version >/dev/null
work=$(mktemp -d)
sim="$work/sim"
# Somewhere other suites' and users' simulators (127.0.1.10:2222) are not.
first="127.0.$((RANDOM % 90 + 150)).10"
port=$((30000 + RANDOM % 20000))
cleanup() { ./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# generate N FILE
. bench/cluster-gen.sh   # the working directory is the repository root here

# Reads a timestamped apply log ("SECONDS.MICROS line") and prints: resources nodes walk sum slowest.
analyse() {
  awk '
    { t = $1 + 0; line = substr($0, index($0, " ") + 1) }
    # the plan: group headers name the node, "# ADDR will be ..." the resources under it
    line ~ /^[^ ]+ \([^)]*\): / { split(line, h, " "); group = h[1]; next }
    line ~ /^cluster \(through/ { group = "cluster"; next }
    line ~ /^  # [^ ]+ (will|must) be / { split(line, w, " "); node[w[2]] = group; next }
    line ~ /^[a-z_0-9]+\.[^ ]*: (Creating|Modifying|Destroying|Replacing)\.\.\.$/ {
      a = substr(line, 1, index(line, ": ") - 1); start[a] = t; if (first == "" || t < first) first = t; next }
    line ~ /^[a-z_0-9]+\.[^ ]*: .*(complete|failed) after / {
      a = substr(line, 1, index(line, ": ") - 1)
      if (a in start) { d = t - start[a]; sum += d; n++; per[node[a] == "" ? "?" : node[a]] += d }
      if (t > last) last = t; next }
    END {
      slow = 0; nodes = 0
      for (k in per) { if (k != "cluster") nodes++; if (per[k] > slow) slow = per[k] }
      printf "%d %d %.3f %.3f %.3f\n", n, nodes, last - first, sum, slow
    }' "$1"
}

printf '%-20s %5s %9s %4s %8s %8s %8s %10s %6s %6s %13s\n' cluster nodes resources P wall_s walk_s sum_s slowest_s \
  eff eff* walk/slowest
i=0
for run in "${RUNS[@]}"; do
  what=${run%%:*} par=${run##*:}
  i=$((i + 1))
  mkdir "$work/run-$i"          # a fresh state (pictl.state.json sits beside the description)
  f="$work/run-$i/cluster.hcl"
  if [ "$what" = seed ]; then cp examples/seed/cluster.hcl "$f"; label="seed (1+3)"; else generate "$what" "$f"; label="1 server + $((what - 1)) agents"; fi
  ./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true
  rm -rf "$sim"
  ./pictl sim start -c "$f" --dir "$sim" --first-address "$first" --port "$port" >/dev/null
  log="$work/run-$i/apply.log"
  t0=$EPOCHREALTIME
  set +e
  ./pictl apply -c "$f" --sim="$sim" --auto-approve --no-color --parallelism "$par" 2>&1 \
    | while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$log"
  rc=${PIPESTATUS[0]}
  set -e
  t1=$EPOCHREALTIME
  if [ "$rc" -ne 0 ] || ! grep -q 'Apply complete!' "$log"; then
    echo "apply failed for $label (exit $rc):" >&2; tail -n 30 "$log" | cut -d' ' -f2- >&2; exit 1
  fi
  read -r resources nodes walk sum slowest < <(analyse "$log")
  awk -v label="$label" -v nodes="$nodes" -v res="$resources" -v p="$par" -v t0="$t0" -v t1="$t1" -v walk="$walk" \
      -v sum="$sum" -v slow="$slowest" 'BEGIN {
    pe = p < nodes ? p : nodes
    printf "%-20s %5d %9d %4d %8.1f %8.1f %8.1f %10.1f %6.2f %6.2f %13.2f\n", label, nodes, res, p, t1 - t0, walk, sum, slow,
      sum / walk / p, sum / walk / pe, walk / slow }'
done
./pictl sim stop --dir "$sim" >/dev/null 2>&1 || true
echo "(fresh simulated boards per run, the daemon's default delays; $(nproc) cores, java $(java -version 2>&1 | head -1 | cut -d'"' -f2))"
