# The pv refers to its class; the class's depends_on closes the loop. The reference edge is shown with its place too.
# expect: error 14:18 "dependency cycle: storage_class.local-storage -> pv.data -> storage_class.local-storage" "storage_class.local-storage -> pv.data  (refers to it in storage_class, " "cycle-reference-and-depends-on.hcl:19:19)" "pv.data -> storage_class.local-storage  (depends_on, " "cycle-reference-and-depends-on.hcl:14:18)"
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
  depends_on  = [pv.data]
}
pv "data" {
  capacity      = "10Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/mnt/data"
  node          = node.pi-1
}
