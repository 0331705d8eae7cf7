# expect: error 5:23 "node \"pi-1\" is listed twice in nodes of kernel_params \"cg\"" "duplicate-node-in-list.hcl:5:12"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  add   = ["cgroup_enable=memory"]
  nodes = [node.pi-1, node.pi-1]
}
