# expect: error 5:1 "unclosed block node \"pi-1\"" "syntax-unclosed-block.hcl:3:13" "Add one"

node "pi-1" {
  address = "10.0.0.1"
