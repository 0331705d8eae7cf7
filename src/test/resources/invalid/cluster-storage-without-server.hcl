# expect: error 6:1 "storage_class.local-storage needs a k3s_server" "declare a k3s_server block"
# expect: error 9:1 "pv.data needs a k3s_server" "PersistentVolumes are created through the k3s server"
node "pi-1" { address = "10.0.0.1" }

# Storage objects are created through the Kubernetes API of the server: there is none.
storage_class "local-storage" {
  provisioner = "kubernetes.io/no-provisioner"
}
pv "data" {
  capacity      = "10Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/mnt/data"
  node          = node.pi-1
}
