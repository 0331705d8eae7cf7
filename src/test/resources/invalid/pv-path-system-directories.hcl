# A PV's pods own its directory: the node's root, system directories (the token's among them) and whole shared
# directories are refused; a directory of its own is fine.
# expect: error 25:19 "pv \"root\" would hand / to its pods" "the node's whole filesystem" "/srv/volumes/root"
# expect: error 32:19 "pv \"token-dir\" would hand /etc/rancher/k3s to its pods" "holds the cluster token"
# expect: error 39:19 "pv \"k3s-data\" would hand" "k3s's data directory"
# expect: error 46:19 "pv \"boot\" would hand /boot/firmware to its pods" "the boot partition"
# expect: error 53:19 "pv \"mnt\" would hand /mnt to its pods" "the mount point of other disks"
# expect: error 60:19 "pv \"tmp\" would hand /tmp/cache" "would not survive a reboot"
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
pv "root" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/"
  node          = node.pi-1
}
pv "token-dir" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/etc/rancher/k3s"
  node          = node.pi-1
}
pv "k3s-data" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/var/lib/rancher/k3s/storage/x"
  node          = node.pi-1
}
pv "boot" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/boot/firmware/"
  node          = node.pi-1
}
pv "mnt" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/mnt"
  node          = node.pi-1
}
pv "tmp" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/tmp/cache"
  node          = node.pi-1
}
pv "ok" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/volumes/ok"
  node          = node.pi-1
}
