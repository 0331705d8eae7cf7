# expect: error 5:13 "unknown reference \"nod.pi-1\"; did you mean \"node\"?" "References start with var or a resource type"
node "pi-1" { address = "10.0.0.1" }

runtime "docker" {
  nodes  = [nod.pi-1]
  engine = "docker"
}
