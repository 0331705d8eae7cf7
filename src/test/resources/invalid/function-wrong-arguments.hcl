# expect: error 3:13 "lower() takes 1 argument, got 2" "Usage: lower(string)"
node "pi-1" {
  address = lower("PI-1", ".LAN")
}
