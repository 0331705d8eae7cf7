# Each disable entry names a component: an empty one disables nothing and hides a typo.
# expect: error 13:25 "empty entry in disable of k3s_server.control" "an empty one disables nothing"
# expect: error 13:29 "empty entry in disable of k3s_server.control"
# expect: error 13:34 "disable entry \"metrics server\" is not a component name"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  disable = ["traefik", "", " ", "metrics server", "servicelb"]
}
