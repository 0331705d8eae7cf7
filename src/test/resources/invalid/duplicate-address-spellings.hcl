# One host written two ways is one host: a trailing dot, IPv6 zero-compression, upper case and an IPv4-mapped
# IPv6 address are compared normalised.
# expect: error 8:22 "node \"b\" has the same address as node \"a\"" "pi.lan and pi.lan. name the same host"
# expect: error 10:22 "node \"d\" has the same address as node \"c\"" "fd00::1 and fd00:0:0:0:0:0:0:1 name the same host"
# expect: error 12:22 "node \"f\" has the same address as node \"e\""
# expect: error 13:22 "node \"g\" has the same address as node \"c\""
node "a" { address = "pi.lan" }
node "b" { address = "pi.lan." }
node "c" { address = "fd00::1" }
node "d" { address = "fd00:0:0:0:0:0:0:1" }
node "e" { address = "10.0.0.5" }
node "f" { address = "::ffff:10.0.0.5" }
node "g" { address = "FD00::0:1" }
