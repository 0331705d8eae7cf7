#!/usr/bin/env bash
# Benchmark (not a test): `pictl plan` against `ansible-playbook --check` gathering the same facts from the same
# simulated boards (DESIGN §9: at 100 nodes pictl should be at least 20x faster).
#
# For each size: a generated description (bench/cluster-gen.sh: one k3s server, agents, cgroup flags, docker, a
# StorageClass, a PV per ten nodes), a simulated fleet started --provisioned from it, an Ansible inventory of the
# same boards (their loopback SSH endpoints, the simulator's key and known_hosts, become through sudo) and a
# playbook that reads what pictl's probe reads (bench/vs-ansible/facts.yml: the files with slurp, the tools with
# command, check_mode off for these read-only tasks as a --check run needs them). Then RUNS rounds, alternating:
# pictl plan, ansible with its default forks (5), ansible with forks = pictl's parallelism. Medians.
#
# Columns: nodes; pictl median wall; Ansible median wall (default forks) and ratio; Ansible median with forks =
# parallelism and ratio; pictl CPU (user+sys of the pictl JVM, median); node-side CPU per node during one plan
# (the simulator daemon's CPU, its SSH servers and every process the boards ran, median, divided by the nodes);
# pictl peak RSS.
# Node side and admin side share this machine: the node-side CPU competes with pictl's and Ansible's own.
#
#   bench/vs-ansible.sh                  # 10 50 100 200, 3 rounds
#   RUNS=5 PARALLELISM=32 bench/vs-ansible.sh 10 100
# Ansible settings: pipelining on (modules go to python's stdin, no file transfer per task) and no SSH connection
# multiplexing (ANSIBLE_SSH_ARGS='-C -o ControlMaster=no'): with OpenSSH's ControlMaster against the simulator's
# SSH server (Apache MINA) some sessions fail with "Data could not be sent to remote host" (not investigated yet;
# without multiplexing or pipelining they fail the same way in file transfer). Both can be overridden.
# Needs: ansible-playbook (installed from Debian's packages with apt-get when missing: ansible-core),
# /usr/bin/time, python3 on this machine (the boards run the host's python3 for Ansible's modules).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 50 100 200)
RUNS=${RUNS:-3}
PAR=${PARALLELISM:-32}
PORT=${PORT:-22622}

if ! command -v ansible-playbook >/dev/null; then
  echo "installing ansible-core from Debian's packages..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q ansible-core >/dev/null; else sudo apt-get install -y -q ansible-core >/dev/null; fi
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3 (the boards run the host's python3 for Ansible)" >&2; exit 1; }
./pictl version >/dev/null

work=$(mktemp -d)
cleanup() { [ -d "$work/sim" ] && ./pictl sim stop --dir "$work/sim" >/dev/null 2>&1 || true; [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT
. bench/cluster-gen.sh

# the simulator daemon's CPU: "self children" in clock ticks (utime+stime, cutime+cstime of /proc/PID/stat)
daemon_pid() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$work/sim/daemon.json"; }
ticks() { awk '{ print $14 + $15, $16 + $17 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

inventory() { # the boards of cluster.json as an INI inventory
  python3 - "$work/sim" > "$work/hosts.ini" <<'PY'
import json, sys
d = sys.argv[1]
spec = json.load(open(d + "/cluster.json"))
print("[boards]")
for n in spec["nodes"]:
    print(f'{n["name"]} ansible_host={n["address"]} ansible_port={n["port"]}')
print("[server]")
print(spec["nodes"][0]["name"])
print("[boards:vars]")
print("ansible_user=pi")
print(f"ansible_ssh_private_key_file={d}/id_ed25519")
print(f"ansible_ssh_common_args='-o UserKnownHostsFile={d}/known_hosts -o StrictHostKeyChecking=yes'")
print("ansible_python_interpreter=python3")
PY
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

printf '%-6s %10s %14s %7s %14s %7s %10s %14s %8s\n' nodes pictl_s ansible_f5_s ratio "ansible_f${PAR}_s" ratio pictl_cpu_s node_cpu_ms/n rss_mb
for n in "${SIZES[@]}"; do
  f="$work/cluster.hcl"
  generate "$n" "$f"
  ./pictl sim start -c "$f" --dir "$work/sim" --provisioned --port "$PORT" >/dev/null
  inventory
  pid=$(daemon_pid)
  : > "$work/p"; : > "$work/a5"; : > "$work/ap"; : > "$work/pcpu"; : > "$work/ncpu"; : > "$work/rss"
  for ((r = 0; r < RUNS; r++)); do
    read -r s0 c0 < <(ticks "$pid")
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$work/time" ./pictl plan -c "$f" --sim="$work/sim" --parallelism "$PAR" >"$work/plan.out" 2>&1 || {
      echo "plan failed for $n nodes:" >&2; tail -n 20 "$work/plan.out" >&2; exit 1; }
    t1=$(date +%s%N)
    read -r s1 c1 < <(ticks "$pid")
    echo $(( (t1 - t0) / 1000000 )) >> "$work/p"
    awk '{ print $1 + $2 }' "$work/time" >> "$work/pcpu"
    awk '{ print int($3 / 1024) }' "$work/time" >> "$work/rss"
    echo $(( (c1 - c0 + s1 - s0) * 1000 / hz / n )) >> "$work/ncpu"
    for forks in 5 "$PAR"; do
      t0=$(date +%s%N)
      ANSIBLE_SSH_ARGS=${ANSIBLE_SSH_ARGS:--C -o ControlMaster=no} ANSIBLE_PIPELINING=${ANSIBLE_PIPELINING:-True} ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_STDOUT_CALLBACK=${ANSIBLE_STDOUT_CALLBACK:-minimal} \
        ansible-playbook -i "$work/hosts.ini" --check --forks "$forks" bench/vs-ansible/facts.yml >"$work/ansible.out" 2>&1 || {
        echo "ansible-playbook failed for $n nodes:" >&2
        grep -E -A3 '(FAILED|UNREACHABLE|fatal|ERROR)' "$work/ansible.out" | cut -c1-300 | head -n 40 >&2; exit 1; }
      t1=$(date +%s%N)
      if [ "$forks" = 5 ]; then echo $(( (t1 - t0) / 1000000 )) >> "$work/a5"; else echo $(( (t1 - t0) / 1000000 )) >> "$work/ap"; fi
    done
  done
  p=$(median < "$work/p"); a5=$(median < "$work/a5"); ap=$(median < "$work/ap")
  # every round's wall times (ms) and the load average, on stderr: the spread behind the medians
  echo "$n nodes, rounds (ms): pictl $(paste -sd' ' "$work/p"); ansible f5 $(paste -sd' ' "$work/a5");" \
    "ansible f$PAR $(paste -sd' ' "$work/ap"); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  printf '%-6s %10.2f %14.2f %6.1fx %14.2f %6.1fx %10.2f %14s %8s\n' "$n" \
    "$(echo "$p / 1000" | bc -l)" "$(echo "$a5 / 1000" | bc -l)" "$(echo "$a5 / $p" | bc -l)" \
    "$(echo "$ap / 1000" | bc -l)" "$(echo "$ap / $p" | bc -l)" "$(median < "$work/pcpu")" \
    "$(median < "$work/ncpu")" "$(median < "$work/rss")"
  ./pictl sim stop --dir "$work/sim" >/dev/null
  rm -rf "$work/sim"
done
echo "(medians of $RUNS alternating rounds; pictl --parallelism $PAR; JVM start-up included; $(nproc) cores," \
  "java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(ansible-playbook --version 2>/dev/null | sed -n 1p);" \
  "node side and admin side share this machine)"
