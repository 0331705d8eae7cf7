# One SQLite server and one agent, with a StorageClass and a PV: what BackupRestoreE2eTest backs up and restores.
variable "k3s_token" {
  sensitive = true
  default   = null
}

node "pi-server-1" { address = "192.168.1.10" }
node "pi-worker-1" { address = "192.168.1.11" }

k3s_server "control" {
  node    = node.pi-server-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_token
  disable = ["traefik"]
  config  = { "node-ip" = node.pi-server-1.address }
}

k3s_agent "workers" {
  nodes  = [node.pi-worker-1]
  server = k3s_server.control
}

storage_class "local-storage" {
  provisioner            = "kubernetes.io/no-provisioner"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
}

pv "local-pv-1" {
  capacity       = "10Gi"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/local-storage"
  node           = node.pi-worker-1
}

k3s_backup "datastore" {
  nodes     = [node.pi-server-1]
  schedule  = "@hourly"
  retention = 3
}
