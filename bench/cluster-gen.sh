# Sourced by the benchmark scripts: writes a generated cluster description.
# generate N FILE: N nodes (pi-0 .. pi-N-1 on 10.x.y.z), cgroup flags and docker on every node, the k3s server on
# pi-0 and agents on the rest, a StorageClass, and one PV per ten nodes.
generate() {
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
