# The smallest useful cluster: one Raspberry Pi running the k3s server with its embedded
# containerd. Workloads run on the server node itself.

node "pi" {
  address = "192.168.1.50"
}

kernel_params "cgroups" {
  nodes = [node.pi]
  add   = ["cgroup_enable=memory"]
}

k3s_server "main" {
  node    = node.pi
  version = "v1.31.4+k3s1"
}
