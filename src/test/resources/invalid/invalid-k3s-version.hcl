# A Kubernetes version is not a k3s release: the "+k3sN" suffix is part of it.
# expect: error 10:13 "invalid version \"v1.31.4\" in k3s_server \"control\"" "a k3s release such as v1.31.4+k3s1"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4"
}
