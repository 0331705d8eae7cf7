# expect: error 8:13 "node \"pi-1\" already has a runtime in runtime.docker[\"pi-1\"]" "cluster-node-in-two-runtimes.hcl:4:13" "only one runtime block"
node "pi-1" { address = "10.0.0.1" }
runtime "docker" {
  nodes  = [node.pi-1]
  engine = "docker"
}
runtime "embedded" {
  nodes  = [node.pi-1]
  engine = "containerd"
}
