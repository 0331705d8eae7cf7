# expect: error 4:18 "a one-line block can hold only one attribute" "each attribute on its own line"
# expect: error 5:32 "a one-line block can hold only one attribute" "node \"pi-1\""

ssh { user = "pi", port = 22 }
node "pi-1" { address = "pi-1" depends_on = [] }
