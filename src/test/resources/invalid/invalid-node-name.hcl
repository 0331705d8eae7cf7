# pictl sets the hostname to the node's name, so it must be a valid host name.
# expect: error 4:6 "node name \"Pi_1\" is not a valid host name" "e.g. \"pi-1\""
# expect: error 5:15 "storage_class name \"Local_Storage\" is not a valid Kubernetes name"
node "Pi_1" { address = "10.0.0.1" }
storage_class "Local_Storage" { provisioner = "kubernetes.io/no-provisioner" }
