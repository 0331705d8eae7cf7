# expect: error 6:12 "kernel_params removes cgroup_enable=memory from node \"pi-1\", which runs k3s" "Remove it from remove"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes  = [node.pi-1]
  add    = ["cgroup_memory=1"]
  remove = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
