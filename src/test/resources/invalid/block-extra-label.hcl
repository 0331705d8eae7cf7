# expect: error 3:5 "an ssh block takes no label" "without a name"
# expect: error 7:11 "a node block takes one name, not 2" "node \"pi\""
ssh "default" {
  user = "pi"
}

node "pi" "1" {
  address = "10.0.0.1"
}
