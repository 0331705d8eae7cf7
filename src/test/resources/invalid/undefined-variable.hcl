# expect: error 13:13 "undefined variable \"k3s_tokn\"; did you mean \"k3s_token\"?" "variable \"k3s_tokn\" { }"
variable "k3s_token" {
  sensitive = true
}
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_tokn
}
