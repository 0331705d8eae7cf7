# expect: error 5:3 "\"ssh\" is a block, not an attribute" "without \"=\""
# expect: error 9:3 "\"address\" is an attribute, not a block" "address = VALUE"
node "pi-1" {
  address = "10.0.0.1"
  ssh = { user = "pi" }
}

node "pi-2" {
  address {
    value = "10.0.0.2"
  }
}
