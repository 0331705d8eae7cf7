# expect: error 11:13 "wrong type for config in k3s_server \"control\": expected a map" "got a list"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  disable = ["traefik"]
  config  = ["node-ip=10.0.0.1"]
}
