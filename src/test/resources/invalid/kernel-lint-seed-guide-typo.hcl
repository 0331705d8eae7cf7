# The seed guide's sed line wrote "cgroupenable=..." (no underscore): the kernel passes it to init and
# nothing happens. Warnings, not errors; the error here is the version, a second typo of the same guide.
# expect: warning 11:12 "unknown kernel parameter \"cgroupenable=cpuset\"; did you mean \"cgroup_enable=cpuset\"?" "silently does nothing"
# expect: warning 11:35 "unknown kernel parameter \"cgroupenable=memory\"; did you mean \"cgroup_enable=memory\"?" "Write \"cgroup_enable=memory\""
# expect: warning 14:13 "node \"pi-1\" runs k3s but no kernel_params adds cgroup_enable=memory" "k3s refuses to start without it"
# expect: error 15:13 "invalid version \"v1.31.4-k3s1\" in k3s_server \"control\"" "v1.31.4+k3s1"
node "pi-1" { address = "10.0.0.1" }

kernel_params "cgroups" {
  nodes = [node.pi-1]
  add   = ["cgroupenable=cpuset", "cgroupenable=memory", "cgroup_memory=1"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4-k3s1"
}
