# DNS names are case-insensitive; a per-node ssh port only separates nodes when it differs.
# expect: error 10:13 "node \"pi-2\" has the same address as node \"pi-1\"" "Pi-1.lan port 2222"

ssh {
  port = 2222
}

node "pi-1" { address = "pi-1.lan" }
node "pi-2" {
  address = "Pi-1.lan"
  ssh {
    port = 2222
  }
}
