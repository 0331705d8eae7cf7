# Names and addresses are unique across all files of a directory.

node "pi-1" { address = "10.0.0.1" }
node "pi-2" { address = "10.0.0.2" }
