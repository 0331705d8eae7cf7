# Two volumes on one directory of one node share data, and so does a volume inside another's directory;
# the same path on another node, or a sibling, is fine (a trailing slash names the same directory).
# expect: error 37:19 "pv \"b\" uses the same directory as pv \"a\" on node \"pi-1\"" "Give each volume its own directory"
# expect: error 44:19 "pv \"c\"'s directory /srv/data/inner is inside pv \"a\"'s /srv/data on node \"pi-1\"" "sibling"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
node "pi-2" { address = "10.0.0.2" }
kernel_params "cg2" {
  nodes = [node.pi-2]
  add   = ["cgroup_enable=memory"]
}
k3s_agent "workers" {
  nodes  = [node.pi-2]
  server = k3s_server.control
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
storage_class "local-storage" {
  provisioner = "kubernetes.io/no-provisioner"
}
pv "a" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/data"
  node          = node.pi-1
}
pv "b" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/data/"
  node          = node.pi-1
}
pv "c" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/data/inner"
  node          = node.pi-1
}
pv "d" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/data"
  node          = node.pi-2
}
pv "e" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/other"
  node          = node.pi-1
}
pv "f" {
  capacity      = "1Gi"
  access_modes  = ["ReadWriteOnce"]
  storage_class = storage_class.local-storage
  path          = "/srv/o"
  node          = node.pi-1
}
