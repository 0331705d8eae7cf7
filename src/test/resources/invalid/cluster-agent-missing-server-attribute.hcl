# expect: error 12:1 "missing required attribute \"server\" in k3s_agent \"workers\"" "The server the agents join"
node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
k3s_agent "workers" {
  nodes = [node.pi-2]
}
