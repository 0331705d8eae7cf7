# expect: error 11:27 "unknown attribute \"adress\" of node; did you mean \"address\"?" "A node has: address"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "node-ip" = node.pi-1.adress
  }
}
