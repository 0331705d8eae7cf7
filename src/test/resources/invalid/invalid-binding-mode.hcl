# expect: error 14:25 "invalid volume_binding_mode \"WaitForFirstConsumr\" in storage_class \"local-storage\"; did you mean \"WaitForFirstConsumer\"?" "Allowed values: \"Immediate\", \"WaitForFirstConsumer\""
# expect: error 15:25 "invalid reclaim_policy \"Recycle\" in storage_class \"local-storage\"" "Allowed values: \"Delete\", \"Retain\""
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
  provisioner         = "kubernetes.io/no-provisioner"
  volume_binding_mode = "WaitForFirstConsumr"
  reclaim_policy      = "Recycle"
}
