# expect: error 4:6 "duplicate node \"pi-1\"" "a-nodes.hcl:3:6"
# expect: error 5:25 "node \"pi-3\" has the same address as node \"pi-2\"" "a-nodes.hcl:4:25"

node "pi-1" { address = "10.0.0.11" }
node "pi-3" { address = "10.0.0.2" }
