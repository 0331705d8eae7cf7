# Undefined names inside "${...}" are reported at the name, not at the string.
# expect: error 7:16 "undefined variable \"subnet\"" "Declare it with variable \"subnet\" { }"
# expect: error 9:28 "undefined reference node.pi-9: there is no node \"pi-9\"" "Declared: pi-1, pi-2"
variable "sub" { default = "10.0.0" }

node "pi-1" {
  address = "${var.subnet}.1"
}
node "pi-2" { address = "${node.pi-9.address}" }
