# expect: error 3:38 "unexpected identifier \"node\" after the closing \"}\" of a block" "start the next item on a new line"

node "pi-1" { address = "10.0.0.1" } node "pi-2" { address = "10.0.0.2" }
