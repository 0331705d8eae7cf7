# Three independent mistakes in three different blocks: one run reports all three.
# expect: error 9:3 "unknown attribute \"depend_on\" in node \"pi-2\"; did you mean \"depends_on\"?"
# expect: error 19:13 "invalid version \"v1.31+k3s1\" in k3s_server \"control\"" "a k3s release such as v1.31.4+k3s1"
# expect: error 34:20 "undefined reference storage_class.local-storag: there is no storage_class \"local-storag\"; did you mean \"local-storage\"?" "Declared: local-storage."

node "pi-1" { address = "192.168.1.10" }
node "pi-2" {
  address   = "192.168.1.11"
  depend_on = [node.pi-1]
}

kernel_params "cgroups" {
  nodes = [node.pi-1, node.pi-2]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

k3s_server "control" {
  node    = node.pi-1
  version = "v1.31+k3s1"
}

k3s_agent "workers" {
  nodes  = [node.pi-2]
  server = k3s_server.control
}

storage_class "local-storage" {
  provisioner = "kubernetes.io/no-provisioner"
}

pv "data" {
  capacity       = "10Gi"
  access_modes   = ["ReadWriteOnce"]
  storage_class  = storage_class.local-storag
  path           = "/mnt/data"
  node           = node.pi-2
}
