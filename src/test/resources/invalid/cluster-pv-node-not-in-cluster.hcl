# expect: error 20:20 "pv \"data\" is on node \"pi-2\", which is not in the cluster" "Add node.pi-2 to a k3s_agent's nodes"
node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
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
  storage_class  = storage_class.local-storage
  path           = "/mnt/data"
  node           = node.pi-2
}
