# A hardened seed cluster: the seed's four Raspberry Pi 4s, with Secrets encrypted at rest in the
# datastore, namespaces whose pods must meet the "restricted" Pod Security Standard, and a
# default-deny ingress NetworkPolicy in each (k3s enforces it with its embedded controller).
# Every other namespace defaults to "baseline" through k3s's admission configuration, and namespace
# "apps" gets container defaults and a quota from a manifest.
# Read README.md first: secrets encryption is meant for a fresh cluster.

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
node "pi-worker-3" { address = "192.168.1.13" }

kernel_params "cgroups" {
  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

k3s_server "control" {
  node    = node.pi-server-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_token
  disable = ["traefik"]

  # A 4 GB board: keep memory for the system and k3s, and evict pods before the kernel kills.
  system_reserved = { memory = "256Mi" }
  kube_reserved   = { memory = "256Mi" }
  eviction_hard   = { "memory.available" = "200Mi", "nodefs.available" = "5%", "imagefs.available" = "5%" }

  # Namespaces without a pod_security of their own: no privileged pods, no host namespaces
  # (kube-system, where k3s's own pods run, is exempt).
  pod_security_default = "baseline"

  config = {
    "node-ip"            = node.pi-server-1.address
    "secrets-encryption" = true
  }
}

k3s_agent "workers" {
  nodes  = [node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  server = k3s_server.control
}

# Workloads go here: no pod may run privileged, as root, or with host namespaces, and no pod
# receives traffic until a NetworkPolicy of its own allows it.
namespace "apps" {
  labels = {
    "example.com/tier" = "apps"
  }
  pod_security         = "restricted"
  default_deny_ingress = true
}

# Monitoring agents often need host access (node exporters read /proc and /sys of the host):
# "baseline" forbids privileged pods and host namespaces but allows what such charts usually ask.
namespace "monitoring" {
  pod_security         = "baseline"
  default_deny_ingress = true
}

# Container defaults and a quota for "apps" (LimitRange and ResourceQuota, in manifests/):
# server-side applied under pictl's field manager; removing one from the file deletes it.
manifest "apps-limits" {
  source     = "manifests/apps-limits.yaml"
  depends_on = [namespace.apps]
}
