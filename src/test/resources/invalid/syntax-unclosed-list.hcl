# The list of nodes is not closed: the next line is reported, once.
# expect: error 7:3 "unexpected identifier \"add\" in a list; expected \",\" or \"]\"" "syntax-unclosed-list.hcl:6:11"

node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  nodes = [node.pi-1
  add   = ["cgroup_enable=memory"]
}
