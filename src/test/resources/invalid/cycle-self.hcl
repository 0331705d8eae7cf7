# expect: error 4:17 "dependency cycle: node.pi-1 depends on itself" "Remove node.pi-1 from its own depends_on"
node "pi-1" {
  address    = "10.0.0.1"
  depends_on = [node.pi-1]
}
