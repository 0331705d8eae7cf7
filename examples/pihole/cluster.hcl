# The seed cluster (four Raspberry Pi 4s with 4 GB: one k3s server, three workers) running Pi-hole,
# the network's DNS server, installed by k3s's own helm controller: its data on a local
# PersistentVolume, DNS on port 53 of one chosen board through k3s's ServiceLB. See README.md.

variable "k3s_token" {
  description = "Cluster join token; k3s generates one when unset"
  sensitive   = true
  default     = null
}

variable "pihole_password" {
  description = "Pi-hole's web admin password"
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

# The board that answers DNS on port 53: only it takes part in ServiceLB (k3s's svclb pods run on
# nodes with this label once any node has it), so the clients' DNS server is 192.168.1.13.
node "pi-worker-3" {
  address = "192.168.1.13"
  labels  = { "svccontroller.k3s.cattle.io/enablelb" = "true" }
}

kernel_params "cgroups" {
  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

runtime "docker" {
  nodes  = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  engine = "docker"
}

k3s_server "control" {
  node    = node.pi-server-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_token
  # Traefik holds ports 80 and 443 on every node through ServiceLB; Pi-hole's web UI stays in the
  # cluster here, so Traefik is not needed.
  disable = ["traefik"]
  config  = { "node-ip" = node.pi-server-1.address }

  # A 4 GB board: keep memory for the system and k3s.
  system_reserved = { memory = "256Mi" }
  kube_reserved   = { memory = "256Mi" }
}

k3s_agent "workers" {
  nodes  = [node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  server = k3s_server.control
}

storage_class "local-storage" {
  provisioner            = "kubernetes.io/no-provisioner"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
}

# Pi-hole's settings, lists and query log, on pi-worker-3's disk (the volume's node affinity puts the
# pod there, beside its port 53), kept when the chart goes (Retain).
pv "pihole" {
  capacity       = "1Gi"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/pihole"
  node           = node.pi-worker-3
}

namespace "pihole" {
}

helm_chart "pihole" {
  chart            = "pihole"
  repo             = "https://mojo2600.github.io/pihole-kubernetes/"
  version          = "2.27.0"
  target_namespace = "pihole"
  depends_on       = [pv.pihole]

  values = {
    adminPassword = var.pihole_password
    DNS1          = "9.9.9.9"
    DNS2          = "1.1.1.1"
    persistentVolumeClaim = {
      enabled      = true
      storageClass = "local-storage"
      size         = "1Gi"
    }
    # DNS on port 53, TCP and UDP on one LoadBalancer Service: k3s's ServiceLB publishes it as
    # host ports on the labelled board.
    serviceDns = {
      type         = "LoadBalancer"
      mixedService = true
    }
    serviceWeb  = { type = "ClusterIP" }
    serviceDhcp = { enabled = false }
    resources = {
      requests = { memory = "128Mi" }
      limits   = { memory = "256Mi" }
    }
  }
}
