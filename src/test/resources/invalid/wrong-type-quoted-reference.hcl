# expect: error 9:13 "wrong type for node in k3s_server \"control\": expected a reference to a node, got a string" "Write node.pi-1 without quotes"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}

k3s_server "control" {
  node    = "pi-1"
  version = "v1.31.4+k3s1"
}
