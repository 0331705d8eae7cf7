# expect: error 5:10 "invalid name \"my cluster!\"" "letters, digits"
# expect: error 7:1 "duplicate top-level cluster block" "cluster-name-and-duplicate.hcl:4:1" "Merge the two"
node "pi" { address = "10.0.0.1" }
cluster {
  name = "my cluster!"
}
cluster {
  name = "other"
}
