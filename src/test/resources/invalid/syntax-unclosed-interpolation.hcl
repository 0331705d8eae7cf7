# The interpolation is not closed, so the string is not either: one error, at the string.
# expect: error 5:13 "unterminated string" "ends inside a ${ ... } interpolation"

node "pi-1" {
  address = "${var.ip"
}
