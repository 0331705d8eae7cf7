# expect: error 16:24 "node \"pi-3\" is both the k3s server and an agent" "k3s_server.ha"

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
node "pi-3" { address = "10.0.0.3" }
node "pi-4" { address = "10.0.0.4" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2, node.pi-3, node.pi-4]
  add   = ["cgroup_enable=memory"]
}
k3s_server "ha" {
  nodes   = [node.pi-1, node.pi-2, node.pi-3]
  version = "v1.31.4+k3s1"
}
k3s_agent "w" {
  nodes  = [node.pi-4, node.pi-3]
  server = k3s_server.ha
}
