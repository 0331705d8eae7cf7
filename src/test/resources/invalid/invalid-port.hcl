# expect: error 6:12 "invalid port \"70000\" in ssh" "a TCP port from 1 to 65535"

node "pi-1" {
  address = "10.0.0.1"
  ssh {
    port = 70000
  }
}
