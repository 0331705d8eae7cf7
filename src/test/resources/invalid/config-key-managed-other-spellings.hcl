# A key pictl manages is refused however it is spelled: k3s would read some of these spellings as the
# managed flag (token+ appends to token, t and s are aliases, token-file sets the token).
# expect: error 20:5 "config key \"token \" is managed by pictl" "k3s would take it for its \"token\" flag" "use the token attribute"
# expect: error 21:5 "config key \"Token\" is managed by pictl"
# expect: error 22:5 "config key \"token+\" is managed by pictl"
# expect: error 23:5 "config key \"t\" is managed by pictl" "\"token\" flag"
# expect: error 24:5 "config key \"node_name\" is managed by pictl" "the node's name"
# expect: error 25:5 "config key \"TOKEN-FILE\" is managed by pictl"
# expect: error 37:14 "config key \"S\" is managed by pictl" "pictl points agents at their k3s_server"
# expect: error 37:41 "config key \"Server \" is managed by pictl"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1]
  add   = ["cgroup_enable=memory"]
}
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
  config  = {
    "token "     = "a"
    "Token"      = "b"
    "token+"     = "c"
    "t"          = "d"
    "node_name"  = "e"
    "TOKEN-FILE" = "/tmp/t"
    "node-ip"    = "10.0.0.1"
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
  config = { "S" = "https://evil:6443", "Server " = "x" }
}
