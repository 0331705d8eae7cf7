# expect: error 5:12 "invalid engine \"podman\" in runtime \"rt\"" "Allowed values: \"containerd\", \"docker\""
node "pi-1" { address = "10.0.0.1" }
runtime "rt" {
  nodes  = [node.pi-1]
  engine = "podman"
}
