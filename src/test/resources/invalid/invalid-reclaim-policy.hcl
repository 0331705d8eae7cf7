# expect: error 17:20 "invalid reclaim_policy \"Keep\" in pv \"data\"" "Allowed values: \"Retain\", \"Delete\", \"Recycle\""
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
  capacity       = "10Gi"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Keep"
  storage_class  = storage_class.local-storage
  path           = "/mnt/data"
  node           = node.pi-1
}
