# expect: error 3:1 "unknown block type \"nodes\"; did you mean \"node\"?" "pictl understands these blocks"

nodes "pi-1" {
  address = "10.0.0.1"
}
