# A one-line empty block: the error points at its header.
# expect: error 4:1 "missing required attribute \"address\" in node \"pi-1\"" "Add address = ..." "IP address or DNS name"

node "pi-1" {}
