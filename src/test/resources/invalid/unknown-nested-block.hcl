# expect: error 5:3 "unknown block \"shh\" in node \"pi-1\"; did you mean \"ssh\"?" "may contain: ssh"

node "pi-1" {
  address = "10.0.0.1"
  shh {
    user = "pi"
  }
}
