# expect: error 10:12 "undefined reference k3s_server.control: there is no k3s_server \"control\"" "No k3s_server block is declared."
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}

k3s_agent "workers" {
  nodes  = [node.pi-1]
  server = k3s_server.control
}
