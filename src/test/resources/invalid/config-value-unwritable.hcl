# A NUL cuts a k3s flag value short, and an unpaired surrogate has no UTF-8 form: refused at the value.
# Other control characters are written escaped and are accepted.
# expect: error 14:21 "the value of config key \"node-ip\" holds a NUL character (U+0000) at character 9" "C string"
# expect: error 15:30 "the value of config key \"kubelet-arg\" holds an unpaired UTF-16 surrogate (U+D800) at character 5"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "node-ip"     = "10.0.0.1\u0000"
    "kubelet-arg" = ["ok=1", "bad=\uD800"]
    "tls-san"     = ["multi\nline is fine", "so is \u001b[31m"]
  }
}
