# expect: error 12:40 "node \"pi-1\" is listed twice in nodes of k3s_server.ha" "Remove one"
# expect: error 13:17 "invalid api_address" "not an address"

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
node "pi-3" { address = "10.0.0.3" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2, node.pi-3]
  add   = ["cgroup_enable=memory"]
}
k3s_server "ha" {
  nodes       = [node.pi-1, node.pi-2, node.pi-1, node.pi-3]
  api_address = "not an address"
  version     = "v1.31.4+k3s1"
}
