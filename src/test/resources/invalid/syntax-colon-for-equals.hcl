# expect: error 4:10 "unexpected \":\" after \"address\"; expected \"=\"" "Replace \":\" with \"=\""

node "pi-1" {
  address: "10.0.0.1"
}
