# expect: error 13:5 "duplicate map key \"node-ip\"" "duplicate-map-key.hcl:12:5" "Remove one"

node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config = {
    "node-ip" = "10.0.0.1"
    "node-ip" = "10.0.0.2"
  }
}
