# expect: warning 8:5 "kernel parameter \"swapaccount=1\" is obsolete" "cgroup v2"
# expect: warning 9:5 "unknown value \"memroy\" for kernel parameter cgroup_enable; did you mean \"cgroup_enable=memory\"?"
# expect: error 10:5 "kernel parameter \"cgroup_enable=memory\" is listed twice" "kernel-lint-duplicate-and-obsolete.hcl:7:5"
kernel_params "cg" {
  nodes = [node.pi-1]
  add = [
    "cgroup_enable=memory",
    "swapaccount=1",
    "cgroup_enable=memroy",
    "cgroup_enable=memory",
  ]
}
node "pi-1" { address = "10.0.0.1" }
