# expect: error 3:1 "k3s_server.ha names no node" "nodes = [node.a, node.b, node.c]"

k3s_server "ha" {
  version = "v1.31.4+k3s1"
}
