# expect: error 4:6 "duplicate node \"pi-1\"" "already declared at" "duplicate-block-name.hcl:3:6" "unique per type"

node "pi-1" { address = "10.0.0.1" }
node "pi-1" { address = "10.0.0.2" }
