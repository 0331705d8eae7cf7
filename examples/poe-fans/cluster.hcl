# The seed cluster (examples/seed) with PoE+ HATs: the HAT's fan thresholds raised, Wi-Fi and
# Bluetooth off (the boards are on Ethernet), the lines kept by pictl in config.txt. See
# docs/boot-config.md.

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

# The seed guide's sed line wrote "cgroupenable=..." - a typo the kernel ignores silently.
# These are the tokens it meant.
kernel_params "cgroups" {
  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
}

# config.txt lines pictl owns (one marked block per section; the rest of the file is left alone).
# The PoE+ HAT's fan steps, in millicelsius (defaults 40000/45000/50000/55000): quieter on a desk.
# Each change reboots the board once, drained first; vcgencmd get_config must then show the values.
boot_config "poe" {
  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
  sections = {
    all = ["dtoverlay=disable-wifi", "dtoverlay=disable-bt"]
    pi4 = [
      "dtoverlay=rpi-poe-plus",
      "dtparam=poe_fan_temp0=60000",
      "dtparam=poe_fan_temp1=65000",
      "dtparam=poe_fan_temp2=70000",
      "dtparam=poe_fan_temp3=75000",
    ]
  }
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
  config  = { "node-ip" = node.pi-server-1.address }
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

pv "local-pv-1" {
  capacity       = "10Gi"
  access_modes   = ["ReadWriteOnce"]
  reclaim_policy = "Retain"
  storage_class  = storage_class.local-storage
  path           = "/mnt/local-storage"
  node           = node.pi-worker-1
}
