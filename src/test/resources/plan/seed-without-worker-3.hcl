# The seed cluster after pi-worker-3 was taken out of the description: one k3s server, two workers -
# with the cgroup flags k3s needs, Docker as the container runtime, a local StorageClass and a
# PersistentVolume pinned to pi-worker-1. It is the cluster of pictl's two seed documents.

variable "k3s_token" {
  description = "Cluster join token; k3s generates one when unset"
  sensitive   = true
  default     = null
}

ssh {
  user        = "pi"
  private_key = "~/.ssh/id_ed25519"
  known_hosts = "~/.ssh/known_hosts"
}

node "pi-server-1" { address = "192.168.1.10" }
node "pi-worker-1" { address = "192.168.1.11" }
node "pi-worker-2" { address = "192.168.1.12" }

# The seed guide's sed line wrote "cgroupenable=..." - a typo the kernel ignores silently.
# These are the tokens it meant.
kernel_params "cgroups" {
  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

runtime "docker" {
  nodes  = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2]
  engine = "docker"
}

k3s_server "control" {
  node    = node.pi-server-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_token
  disable = ["traefik"]
  config  = { "node-ip" = node.pi-server-1.address }
}

k3s_agent "workers" {
  nodes  = [node.pi-worker-1, node.pi-worker-2]
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
