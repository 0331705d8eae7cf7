# The smallest useful cluster: one Raspberry Pi running the k3s server with its embedded
# containerd. Workloads run on the server node itself.

node "pi" {
  address = "192.168.1.50"
}

kernel_params "cgroups" {
  nodes = [node.pi]
  add   = ["cgroup_enable=memory"]
}

# On a board of 4 GB or less, keep memory back for the system and k3s, and evict pods before
# the kernel's OOM killer starts on the control plane (docs/node-settings.md).
k3s_server "main" {
  node    = node.pi
  version = "v1.31.4+k3s1"

  system_reserved = { memory = "256Mi" }
  kube_reserved   = { memory = "256Mi" }
  eviction_hard   = { "memory.available" = "200Mi", "nodefs.available" = "5%", "imagefs.available" = "5%" }
}
