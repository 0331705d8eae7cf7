# expect: error 7:1 "duplicate top-level ssh block" "duplicate-ssh-block.hcl:3:1" "Merge the two"

ssh {
  user = "pi"
}

ssh {
  port = 22
}
