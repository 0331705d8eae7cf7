# expect: error 5:25 "invalid address \"192.168.1.300\" in node \"pi-1\"" "an IPv4 or IPv6 address or a DNS host name"
# expect: error 6:25 "invalid address \"pi_2.lan\" in node \"pi-2\""
# expect: error 7:25 "invalid address \"fe80::1::2\" in node \"pi-3\""

node "pi-1" { address = "192.168.1.300" }
node "pi-2" { address = "pi_2.lan" }
node "pi-3" { address = "fe80::1::2" }
