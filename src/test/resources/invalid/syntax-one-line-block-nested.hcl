# expect: error 3:15 "a one-line block cannot contain a nested block" "new line after the \"{\" of node \"pi-1\""

node "pi-1" { ssh { user = "pi" } }
node "pi-2" { address = "10.0.0.2" }
