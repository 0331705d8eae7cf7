# cmdline.txt is one printable line: a control character in a token would cut or corrupt it.
# expect: error 8:36 "kernel parameter \"quiet\\u001B[2J\" holds an escape character (U+001B) at character 6"
# expect: error 8:54 "kernel parameter \"splash\\u0000\" holds a NUL character"
# expect: error 8:70 "kernel parameter \"loglevel=3\\u0085\" holds a control character (U+0085)"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory", "quiet\u001b[2J", "splash\u0000", "loglevel=3\u0085"]
}
