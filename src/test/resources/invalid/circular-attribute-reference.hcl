# Each node's address is the other's: neither has a value.
# expect: error 4:22 "circular reference node.b.address"
# expect: error 5:22 "circular reference node.a.address"
node "a" { address = node.b.address }
node "b" { address = node.a.address }
