# expect: error 12:13 "k3s_server.ha sets both node and nodes" "Keep one"

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
node "pi-3" { address = "10.0.0.3" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2, node.pi-3]
  add   = ["cgroup_enable=memory"]
}
k3s_server "ha" {
  node    = node.pi-1
  nodes   = [node.pi-1, node.pi-2, node.pi-3]
  version = "v1.31.4+k3s1"
}
