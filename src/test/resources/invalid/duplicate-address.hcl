# Two boards left with the same DHCP lease in the description: pictl would configure one twice.
# expect: error 5:25 "node \"pi-2\" has the same address as node \"pi-1\"" "10.0.0.1 port 22" "duplicate-address.hcl:4:25" "its own address or SSH port"

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.1" }
