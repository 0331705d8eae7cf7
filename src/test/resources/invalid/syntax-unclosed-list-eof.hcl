# expect: error 6:1 "unclosed list" "syntax-unclosed-list-eof.hcl:5:11"
# expect: error 6:1 "unclosed block kernel_params \"cg\"" "syntax-unclosed-list-eof.hcl:4:20"
node "pi-1" { address = "10.0.0.1" }
kernel_params "cg" {
  add   = ["cgroup_enable=memory",
