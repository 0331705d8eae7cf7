# expect: error 12:20 "wrong type for key \"node-label\" in config of k3s_server \"control\": got a map" "Map values are strings, numbers, bools or lists of them"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config = {
    "node-ip"    = "10.0.0.1"
    "node-label" = { zone = "desk" }
  }
}
