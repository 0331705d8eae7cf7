# expect: error 11:5 "config key \"node-name\" is managed by pictl" "pictl sets it to the node's name"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "node-name" = "control"
    "node-ip"   = "10.0.0.1"
  }
}
