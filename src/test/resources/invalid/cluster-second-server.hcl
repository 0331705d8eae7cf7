# expect: error 15:1 "a second k3s_server k3s_server.backup: one k3s_server block declares every server" "nodes = [node.a, node.b, node.c]" "k3s_server.control is declared at" "cluster-second-server.hcl:11:1"

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
kernel_params "cg" {
  nodes = [node.pi-1, node.pi-2]
  add   = ["cgroup_enable=memory"]
}

# Several servers go in one block (nodes = [...]), not in a second one.
k3s_server "control" {
  node    = node.pi-1
  version = "v1.31.4+k3s1"
}
k3s_server "backup" {
  node    = node.pi-2
  version = "v1.31.4+k3s1"
}
