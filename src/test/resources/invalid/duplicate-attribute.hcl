# expect: error 5:3 "duplicate attribute \"address\" in node \"pi-1\"" "already set at" "duplicate-attribute.hcl:4:3" "Keep one"

node "pi-1" {
  address = "10.0.0.1"
  address = "10.0.0.2"
}
