# expect: error 6:24 "undefined reference node.pi-2: there is no node \"pi-2\"; did you mean \"pi-1\"?" "Declared: pi-1, pi-3."

node "pi-1" { address = "10.0.0.1" }
node "pi-3" { address = "10.0.0.3" }
runtime "docker" {
  nodes  = [node.pi-1, node.pi-2, node.pi-3]
  engine = "docker"
}
