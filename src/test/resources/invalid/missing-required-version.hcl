# expect: error 8:1 "missing required attribute \"version\" in k3s_server \"control\"" "v1.31.4+k3s1"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}

k3s_server "control" {
  node = node.pi-1
}
