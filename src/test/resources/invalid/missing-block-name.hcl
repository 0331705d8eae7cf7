# expect: error 3:1 "a node block needs a name" "node \"NAME\""

node {
  address = "10.0.0.1"
}
