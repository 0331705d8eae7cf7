# The example of DESIGN §2. The misspelt attribute is not "address", so address is missing too.
# expect: error 5:3 "unknown attribute \"adress\" in node \"pi-1\"; did you mean \"address\"?" "A node block accepts"
# expect: error 4:1 "missing required attribute \"address\" in node \"pi-1\""
node "pi-1" {
  adress = "10.0.0.1"
}
