# expect: error 16:38 "invalid access_modes \"ReadWriteOne\" in pv \"data\"; did you mean \"ReadWriteOnce\"?" "Allowed values: \"ReadWriteOnce\", \"ReadOnlyMany\""
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
  access_modes   = ["ReadWriteOnce", "ReadWriteOne"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/data"
  node           = node.pi-1
}
