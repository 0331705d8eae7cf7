# expect: error 12:15 "storage_class \"local-path\" belongs to k3s" "Choose another name"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}

storage_class "local-path" {
  provisioner = "rancher.io/local-path"
}
