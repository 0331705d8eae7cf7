# expect: error 6:10 "kernel parameter \"cgroup_enable=cpuset cgroup_enable=memory\" contains white space" "list each token as its own string"
# expect: error 7:10 "add holds cgroup_disable=memory" "Put it in remove instead"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add = ["cgroup_enable=cpuset cgroup_enable=memory",
         "cgroup_disable=memory"]
}
