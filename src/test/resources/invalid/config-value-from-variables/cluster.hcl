# Variables are checked where their values land: a default's NUL is reported at var.arg, where it is used.
# expect: error 18:21 "the value of config key \"kubelet-arg\" holds a NUL character"
variable "labels" {}
variable "extra" {}
variable "arg" {
  default = "a\u0000"
}
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "node-label"  = var.labels
    "kubelet-arg" = var.arg
  }
}
node "pi-2" { address = "10.0.0.2" }
kernel_params "cg2" {
  nodes = [node.pi-2]
  add   = ["cgroup_enable=memory"]
}
k3s_agent "workers" {
  nodes  = [node.pi-2]
  server = k3s_server.control
  config = var.extra
}
