# 0.0.0.0 and :: mean "any address", broadcast and multicast name groups: none is a board. An IPv6 zone is an
# interface name (fe80::4%eth0), at most 15 letters, digits, ".", "_" or "-". (:: written in full is :: too.)
# expect: error 13:25 "node \"any4\" has address 0.0.0.0, which names no node" "the unspecified address"
# expect: error 14:25 "node \"any6\" has address ::, which names no node"
# expect: error 15:30 "node \"any6-long\" has address 0:0:0:0:0:0:0:0"
# expect: error 15:30 "node \"any6-long\" has the same address as node \"any6\"" ":: and 0:0:0:0:0:0:0:0 name the same host"
# expect: error 16:26 "which names no node" "the broadcast address"
# expect: error 17:26 "which names no node" "a multicast address"
# expect: error 18:27 "node \"mcast6\"" "a multicast address"
# expect: error 19:31 "the zone of address \"fe80::1%\" is not an interface name" "fe80::2%eth0"
# expect: error 20:31 "the zone of address \"fe80::2%eth0/1\" is not an interface name"
# expect: error 21:30 "is not an interface name" "at most 15 characters"
node "any4" { address = "0.0.0.0" }
node "any6" { address = "::" }
node "any6-long" { address = "0:0:0:0:0:0:0:0" }
node "bcast" { address = "255.255.255.255" }
node "mcast" { address = "224.0.0.251" }
node "mcast6" { address = "ff02::1" }
node "zone-empty" { address = "fe80::1%" }
node "zone-slash" { address = "fe80::2%eth0/1" }
node "zone-long" { address = "fe80::3%averyveryverylongname" }
node "zone-ok" { address = "fe80::4%eth0" }
node "v6-ok" { address = "fd00::10" }
