# The seed cluster (four Raspberry Pi 4s with 4 GB: one k3s server, three workers) with a monitoring
# stack: kube-prometheus-stack installed by k3s's own helm controller, sized for 4 GB boards, with the
# k3s metrics endpoints opened so that Prometheus's control-plane targets are not DOWN, and Grafana's
# data on a local PersistentVolume. See README.md.

variable "k3s_token" {
  description = "Cluster join token; k3s generates one when unset"
  sensitive   = true
  default     = null
}

variable "grafana_admin_password" {
  description = "Grafana's admin password; the chart makes a random one when unset"
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

runtime "docker" {
  nodes  = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  engine = "docker"
}

k3s_server "control" {
  node    = node.pi-server-1
  version = "v1.31.4+k3s1"
  token   = var.k3s_token
  disable = ["traefik"]

  # A 4 GB board: keep memory for the system and k3s, and evict pods before the kernel kills.
  system_reserved = { memory = "256Mi" }
  kube_reserved   = { memory = "256Mi" }

  config = {
    "node-ip" = node.pi-server-1.address
    # k3s binds these metrics to 127.0.0.1, so Prometheus shows them DOWN (k3s#3619): bind them to
    # every address. k3s restarts to take them (one node at a time).
    "kube-controller-manager-arg" = ["bind-address=0.0.0.0"]
    "kube-scheduler-arg"          = ["bind-address=0.0.0.0"]
    "kube-proxy-arg"              = ["metrics-bind-address=0.0.0.0"]
  }
}

k3s_agent "workers" {
  nodes  = [node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  server = k3s_server.control
  config = {
    # kube-proxy runs inside k3s on every node: its metrics too.
    "kube-proxy-arg" = ["metrics-bind-address=0.0.0.0"]
  }
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

# Grafana's dashboards, users and settings: on pi-worker-2's disk, kept when the chart goes (Retain).
pv "grafana" {
  capacity       = "2Gi"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/grafana"
  node           = node.pi-worker-2
}

# node-exporter needs the host's network, PIDs and paths: the namespace cannot be baseline.
namespace "monitoring" {
  pod_security = "privileged"
}

helm_chart "kube-prometheus-stack" {
  chart            = "kube-prometheus-stack"
  repo             = "https://prometheus-community.github.io/helm-charts"
  version          = "65.1.1"
  target_namespace = "monitoring"
  timeout          = "10m"
  depends_on       = [pv.grafana]

  values = {
    # The control plane runs in the k3s process on the server: scrape it at the server's address.
    kubeControllerManager = { endpoints = [node.pi-server-1.address] }
    kubeScheduler         = { endpoints = [node.pi-server-1.address] }
    kubeProxy = {
      endpoints = [node.pi-server-1.address, node.pi-worker-1.address, node.pi-worker-2.address,
      node.pi-worker-3.address]
    }
    # SQLite datastore: there is no etcd to scrape (with embedded etcd: etcd-expose-metrics = true).
    kubeEtcd = { enabled = false }

    prometheus = {
      prometheusSpec = {
        retention      = "7d"
        retentionSize  = "3GB"
        scrapeInterval = "60s"
        resources = {
          requests = { cpu = "200m", memory = "400Mi" }
          limits   = { memory = "1Gi" }
        }
      }
    }
    alertmanager = {
      alertmanagerSpec = {
        resources = {
          requests = { memory = "32Mi" }
          limits   = { memory = "64Mi" }
        }
      }
    }
    prometheusOperator = {
      resources = {
        requests = { cpu = "50m", memory = "64Mi" }
        limits   = { memory = "128Mi" }
      }
    }
    kube-state-metrics = {
      resources = {
        requests = { memory = "32Mi" }
        limits   = { memory = "96Mi" }
      }
    }
    prometheus-node-exporter = {
      resources = {
        requests = { memory = "16Mi" }
        limits   = { memory = "48Mi" }
      }
    }
    grafana = {
      adminPassword = var.grafana_admin_password
      persistence = {
        enabled          = true
        storageClassName = "local-storage"
        volumeName       = "grafana"
        size             = "2Gi"
      }
      resources = {
        requests = { memory = "128Mi" }
        limits   = { memory = "256Mi" }
      }
    }
  }
}
