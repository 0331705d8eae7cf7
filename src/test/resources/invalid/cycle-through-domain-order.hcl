# k3s on a node always comes after its runtime; a runtime that waits for the agent closes a cycle.
# expect: error 12:17 "dependency cycle: runtime.docker[\"pi-2\"] -> k3s_agent.workers[\"pi-2\"] -> runtime.docker[\"pi-2\"]" "runtime.docker[\"pi-2\"] -> k3s_agent.workers[\"pi-2\"]  (k3s after the runtime, " "cycle-through-domain-order.hcl:19:13)" "k3s_agent.workers[\"pi-2\"] -> runtime.docker[\"pi-2\"]  (depends_on, " "cycle-through-domain-order.hcl:12:17)"
node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2]
  add   = ["cgroup_enable=memory"]
}
runtime "docker" {
  nodes      = [node.pi-2]
  engine     = "docker"
  depends_on = [k3s_agent.workers]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
k3s_agent "workers" {
  nodes  = [node.pi-2]
  server = k3s_server.control
}
