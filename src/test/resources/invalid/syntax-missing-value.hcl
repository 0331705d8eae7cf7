# expect: error 4:12 "missing value" "Something must follow \"=\""

node "pi-1" {
  address =
}
