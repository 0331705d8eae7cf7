# Each number of a k3s release has at most 6 digits: a larger one is refused here, never compared.
# expect: error 10:13 "invalid version \"v99999999999999999999.31.4+k3s1234567\" in k3s_server \"control\"" "a k3s release"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v99999999999999999999.31.4+k3s1234567"
}
