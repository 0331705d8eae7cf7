# StorageClass parameters are map[string]string in Kubernetes: a list was written as its text and replaced
# the class on every apply. Numbers and bools are written as text and accepted.
# expect: error 17:19 "parameter \"nodePath\" of storage_class.fast is a list" "map[string]string" "\"a,b\""
# expect: error 21:19 "parameter \"bad\" of storage_class.fast holds a NUL character"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
storage_class "fast" {
  provisioner = "rancher.io/local-path"
  parameters  = {
    "nodePath"  = ["/srv/a", "/srv/b"]
    "pathMode"  = "0770"
    "count"     = 3
    "enabled"   = true
    "bad"       = "x\u0000"
  }
}
