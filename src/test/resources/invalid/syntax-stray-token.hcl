# expect: error 5:24 "unexpected string after the value of \"address\"" "put it on its own line"
# expect: error 7:1 "unexpected \"}\"" "no open block"

node "pi-1" {
  address = "10.0.0.1" "10.0.0.2"
}
}
