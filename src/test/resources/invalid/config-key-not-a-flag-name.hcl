# k3s reads each config.yaml key as --KEY: a key with a newline, a space, upper case, "_", one letter or
# leading dashes names no flag (and a newline once let a key add keys of its own).
# expect: error 18:5 "config key \"node-ip\\nwrite-kubeconfig-mode\" is not a k3s flag name" "lower-case letters, digits and \"-\""
# expect: error 19:5 "config key \"node label\" is not a k3s flag name"
# expect: error 20:5 "config key \"Node-IP\" is not a k3s flag name" "Did you mean \"node-ip\"?"
# expect: error 21:5 "config key \"kubelet_arg\" is not a k3s flag name" "Did you mean \"kubelet-arg\"?"
# expect: error 22:5 "config key \"x\" is not a k3s flag name" "at least two"
# expect: error 23:5 "config key \"--tls-san\" is not a k3s flag name" "without \"--\""
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "node-ip\nwrite-kubeconfig-mode" = "0644"
    "node label"                     = "a=b"
    "Node-IP"                        = "10.0.0.1"
    "kubelet_arg"                    = "x=y"
    "x"                              = "1"
    "--tls-san"                      = "pi.lan"
    "node-label"                     = ["ok=1"]
  }
}
