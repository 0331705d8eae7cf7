# A semicolon, and curly quotes pasted from a web page.
# expect: error 5:35 "invalid character \";\"" "Remove it"
# expect: error 6:6 "invalid character \"“\"" "Remove it"
# expect: error 6:11 "invalid character \"”\""
node "pi-1" { address = "10.0.0.1"; }
node “pi-2” { address = "10.0.0.2" }
