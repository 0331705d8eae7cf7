# Kubernetes refuses a PersistentVolume without an access mode: said at validation, not half-way through apply.
# expect: error 17:19 "access_modes of pv \"data\" is empty" "ReadWriteOnce"
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
  capacity      = "1Gi"
  access_modes  = []
  storage_class = storage_class.local-storage
  path          = "/srv/data"
  node          = node.pi-1
}
