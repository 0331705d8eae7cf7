# A version number too large for any release (it once overflowed the version comparison: "internal error").
# expect: error 10:13 "invalid version \"v1.99999999999.0+k3s1\" in k3s_server \"control\"" "a k3s release such as v1.31.4+k3s1"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.99999999999.0+k3s1"
}
