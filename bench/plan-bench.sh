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

generate() { # $1 = nodes, $2 = file
  local n=$1 f=$2 i
  {
    for ((i = 0; i < n; i++)); do
      printf 'node "pi-%d" {\n  address = "10.%d.%d.%d"\n}\n' "$i" $((i / 62500 % 250)) $((i / 250 % 250)) $((i % 250 + 1))
    done
    printf 'kernel_params "cgroups" {\n  nodes = ['
    for ((i = 0; i < n; i++)); do printf 'node.pi-%d, ' "$i"; done
    printf ']\n  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]\n}\n'
    printf 'runtime "docker" {\n  nodes = ['
    for ((i = 0; i < n; i++)); do printf 'node.pi-%d, ' "$i"; done
    printf ']\n  engine = "docker"\n}\n'
    printf 'k3s_server "control" {\n  node    = node.pi-0\n  version = "v1.31.4+k3s1"\n}\n'
    if ((n > 1)); then
      printf 'k3s_agent "workers" {\n  nodes  = ['
      for ((i = 1; i < n; i++)); do printf 'node.pi-%d, ' "$i"; done
      printf ']\n  server = k3s_server.control\n}\n'
    fi
    printf 'storage_class "local-storage" {\n  provisioner = "kubernetes.io/no-provisioner"\n}\n'
    for ((i = 0; i < n; i += 10)); do
      printf 'pv "pv-%d" {\n  capacity      = "10Gi"\n  access_modes  = ["ReadWriteOnce"]\n' "$i"
      printf '  storage_class = storage_class.local-storage\n  path          = "/mnt/pv-%d"\n  node          = node.pi-%d\n}\n' "$i" "$i"
    done
  } > "$f"
}

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
  /usr/bin/time -f '%M' -o "$work/rss" ./pictl plan -c "$f" --sim "$work/sim" --parallelism 32 >"$work/plan.out" 2>&1 || {
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
