# expect: error 4:13 "unknown function \"lowr\"; did you mean \"lower\"?" "pictl provides: concat, file, format, join, length, lower"
# expect: error 6:28 "unknown function \"cidrhost\"" "pictl provides"
node "pi-1" {
  address = lowr("PI-1.LAN")
}
node "pi-2" { address = "${cidrhost("10.0.0.0/24", 2)}" }
