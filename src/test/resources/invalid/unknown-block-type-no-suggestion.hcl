# expect: error 4:1 "unknown block type \"resource\"" "pictl understands these blocks" "k3s_server"

node "pi-1" { address = "10.0.0.1" }
resource "k3s" "server" {
  node = node.pi-1
}
