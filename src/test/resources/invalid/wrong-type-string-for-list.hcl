# expect: error 5:11 "wrong type for add in kernel_params \"cg\": expected a list of strings" "got a string" "A single item still needs brackets: [\"cgroup_enable=memory\"]"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = "cgroup_enable=memory"
}
