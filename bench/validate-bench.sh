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

generate() { # $1 = nodes, $2 = file
  local n=$1 f=$2 i
  {
    echo 'node "pi-0" { address = "10.0.0.1" }'
    for ((i = 1; i < n; i++)); do
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
