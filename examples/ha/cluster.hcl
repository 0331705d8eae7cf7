# A control plane that survives a dead board: three k3s servers with embedded etcd behind one
# address, and two agents. See docs/ha.md.
# Snapshots of the etcd datastore on every server, and `pictl backup` copies in ./backups
# (docs/backup.md).

variable "k3s_token" {
  description = "Cluster token, shared by every server and agent"
  sensitive   = true
}

ssh {
  user        = "pi"
  private_key = "~/.ssh/id_ed25519"
  known_hosts = "~/.ssh/known_hosts"
}

node "pi-s1" { address = "192.168.1.21" }
node "pi-s2" { address = "192.168.1.22" }
node "pi-s3" { address = "192.168.1.23" }
node "pi-a1" { address = "192.168.1.31" }
node "pi-a2" { address = "192.168.1.32" }

kernel_params "cgroups" {
  nodes = [node.pi-s1, node.pi-s2, node.pi-s3, node.pi-a1, node.pi-a2]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

# Three servers: etcd keeps quorum (2 of 3) with any one of them down. The first one
# initialises the cluster; the others join it one at a time. Changes roll one server at a time.
k3s_server "control" {
  nodes       = [node.pi-s1, node.pi-s2, node.pi-s3]
  api_address = "k3s.home.lan" # a DNS name (or VIP) that reaches the servers; agents and kubeconfig use it
  version     = "v1.31.4+k3s1"
  token       = var.k3s_token
  disable     = ["traefik"]

  # 1 GB of a 4 GB board for the system and k3s
  system_reserved = { cpu = "250m", memory = "512Mi" }
  kube_reserved   = { cpu = "250m", memory = "512Mi" }
}

k3s_agent "workers" {
  nodes  = [node.pi-a1, node.pi-a2]
  server = k3s_server.control
}

# etcd snapshots every 6 hours on each server (k3s's own etcd-snapshot-* settings), 8 kept;
# `pictl backup` writes its copies to ./backups on this machine.
k3s_backup "datastore" {
  nodes     = [node.pi-s1, node.pi-s2, node.pi-s3]
  schedule  = "0 */6 * * *"
  retention = 8
  copy_dir  = "backups"
}
