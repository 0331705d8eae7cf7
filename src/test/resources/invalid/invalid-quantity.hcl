# "GB" is not a Kubernetes suffix (Gi and G are).
# expect: error 16:20 "invalid capacity \"10GB\" in pv \"data\"" "a Kubernetes quantity such as 10Gi or 500M"
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
  capacity       = "10GB"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/data"
  node           = node.pi-1
}
