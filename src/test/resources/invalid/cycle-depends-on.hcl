# expect: error 9:17 "dependency cycle: node.a -> node.b -> node.a" "node.a -> node.b  (depends_on, " "cycle-depends-on.hcl:9:17)" "node.b -> node.a  (depends_on, " "cycle-depends-on.hcl:5:17)" "Remove one of these dependencies"

node "a" {
  address    = "10.0.0.1"
  depends_on = [node.b]
}
node "b" {
  address    = "10.0.0.2"
  depends_on = [node.a]
}
