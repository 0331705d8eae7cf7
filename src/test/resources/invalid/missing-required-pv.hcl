# Two attributes missing: both reported, both at the header.
# expect: error 17:1 "missing required attribute \"capacity\" in pv \"data\"" "Kubernetes quantity"
# expect: error 17:1 "missing required attribute \"path\" in pv \"data\"" "Add path = ..."
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
storage_class "local-storage" {
  provisioner = "kubernetes.io/no-provisioner"
}

pv "data" {
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  node          = node.pi-1
}
