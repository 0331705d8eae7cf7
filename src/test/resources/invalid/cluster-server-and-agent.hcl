# expect: error 14:24 "node \"pi-1\" is both the k3s server and an agent" "It runs k3s_server.control (" "cluster-server-and-agent.hcl:10:13)" "remove node.pi-1 from the agent's nodes"
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
  nodes  = [node.pi-2, node.pi-1]
  server = k3s_server.control
}
