# expect: error 3:35 "a one-line block must end with \"}\" right after its attribute" "multi-line block"

node "pi-1" { address = "10.0.0.1"
}
