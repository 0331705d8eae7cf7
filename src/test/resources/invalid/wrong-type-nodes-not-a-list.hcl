# expect: error 4:12 "wrong type for nodes in runtime \"docker\": expected a list of references" "[node.pi-1, node.pi-2]"
node "pi-1" { address = "10.0.0.1" }
runtime "docker" {
  nodes  = node.pi-1
  engine = "docker"
}
