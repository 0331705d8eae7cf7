package dev.pictl.resource;

import static dev.pictl.resource.AttributeSchema.attr;

import java.util.List;
import java.util.Optional;

/**
 * The one definition of every block pictl understands. The validator decodes configurations with it;
 * {@code schema/config.schema.json} and {@code docs/resources.md} are generated from it (a test fails when the
 * generated copies are out of date). Block and attribute names are a public contract: add freely, rename only
 * for a strong reason recorded in {@code docs/}.
 */
public final class Schemas {
    private Schemas() {
    }

    private static final AttributeSchema DEPENDS_ON = attr("depends_on", AttrType.REF_LIST)
            .doc("Extra ordering: this resource is changed only after the listed resources. "
                    + "References the graph does not already imply, e.g. `[runtime.docker]`.");

    private static AttributeSchema nodes(String what) {
        return attr("nodes", AttrType.NODE_REF_LIST).required()
                .doc("The nodes this block applies to; it expands to one instance per node, addressed as `"
                        + what + "[\"NODE\"]`.");
    }

    /** Connection settings: top-level defaults, overridable per node. */
    public static final BlockSchema SSH = new BlockSchema("ssh", null, false, List.of(
            attr("user", AttrType.STRING).defaultValue("pi")
                    .doc("Login user on the node."),
            attr("port", AttrType.NUMBER).check(Check.PORT).defaultValue(22)
                    .doc("SSH port."),
            attr("private_key", AttrType.STRING)
                    .doc("Path to the private key (`~` expands). Without it: ssh-agent, then `~/.ssh/config`'s IdentityFile, then `~/.ssh/id_*`."),
            attr("known_hosts", AttrType.STRING).defaultValue("~/.ssh/known_hosts")
                    .doc("The known_hosts file host keys are checked against."),
            attr("host_key_policy", AttrType.STRING).oneOf("strict", "accept-new").defaultValue("strict")
                    .doc("`strict` refuses unknown and changed host keys; `accept-new` records the key of a host seen for the first time (a changed key is still refused)."),
            attr("sudo", AttrType.BOOL).defaultValue(true)
                    .doc("Run node-side changes through `sudo` (passwordless `sudo -n`, or with the password from `PICTL_SUDO_PASSWORD` or a prompt; never a PTY)."),
            attr("jump_host", AttrType.STRING).check(Check.JUMP_HOST)
                    .doc("A bastion to reach the node through (`user@host:port`), like OpenSSH's ProxyJump."),
            attr("connect_timeout", AttrType.STRING).check(Check.DURATION).defaultValue("10s")
                    .doc("How long to wait for the TCP connection and SSH handshake.")),
            List.of(),
            "How pictl reaches nodes over SSH. A top-level `ssh` block sets defaults for every node; an `ssh` block "
                    + "inside a `node` overrides any of them for that node.",
            """
            ssh {
              user        = "pi"
              private_key = "~/.ssh/id_ed25519"
            }""");

    /** {@code cluster { ... }}: the cluster as a whole. */
    public static final BlockSchema CLUSTER = new BlockSchema("cluster", null, false, List.of(
            attr("name", AttrType.STRING).check(Check.CLUSTER_NAME)
                    .doc("The cluster's name: `pictl kubeconfig` names the kubeconfig's context, cluster and user after it, "
                            + "and `pictl drift` reports under it. Default: the name of the directory that holds the "
                            + "description.")),
            List.of(),
            "The cluster as a whole. Optional; at most one.",
            """
            cluster {
              name = "homelab"
            }""");

    /** {@code drift { ... }}: settings of {@code pictl drift}. */
    public static final BlockSchema DRIFT = new BlockSchema("drift", null, false, List.of(
            attr("ignore", AttrType.STRING_LIST)
                    .doc("Known noise `pictl drift` leaves out (reported as ignored, never counted): `ADDRESS` (all "
                            + "drift of a resource, its deletion included), `ADDRESS.ATTRIBUTE` (one attribute; `*` "
                            + "as the name matches every block of the type, no `[key]` every instance), or "
                            + "`health.NODE.CODE` (a health finding; `*` for every node). Added to by `--ignore`."),
            attr("fail_on_health", AttrType.BOOL).defaultValue(false)
                    .doc("Count health findings (under-voltage, throttling, a NotReady node, ...) as a failure: "
                            + "exit 2 like drift. Advisory findings (SD-card boot, installed memory) never count. "
                            + "Same as `--fail-on-health`.")),
            List.of(),
            "Settings of `pictl drift`, the read-only check a cron job or systemd timer runs (see docs/drift.md). "
                    + "Optional; at most one.",
            """
            drift {
              ignore         = ["k3s_agent.workers.version", "health.*.sd_card_boot"]
              fail_on_health = true
            }""");

    /** {@code variable "name" { ... }}. */
    public static final BlockSchema VARIABLE = new BlockSchema("variable", "name", false, List.of(
            attr("default", AttrType.ANY)
                    .doc("Value used when none is given. Without a default the variable is required by `plan` and `apply`."),
            attr("description", AttrType.STRING)
                    .doc("What the variable is for."),
            attr("sensitive", AttrType.BOOL).defaultValue(false)
                    .doc("A secret: its value is never shown in output and never stored in clear in state or plan files.")),
            List.of(),
            "An input. Set with `--var name=value`, a `PICTL_VAR_name` environment variable, or a `.pivars` file "
                    + "(`name = value` lines) beside the configuration; `--var` wins over the file, the file over "
                    + "the environment, all of them over `default`. Referenced as `var.name`.",
            """
            variable "k3s_token" {
              sensitive = true
            }""");

    public static final BlockSchema NODE = new BlockSchema("node", "name", false, List.of(
            attr("address", AttrType.STRING).required().check(Check.ADDRESS)
                    .doc("IP address or DNS name pictl connects to (not `0.0.0.0` or `::`; an IPv6 zone names an "
                            + "interface: `fe80::2%eth0`)."),
            DEPENDS_ON),
            List.of(SSH),
            "A Raspberry Pi. pictl sets its hostname to the block's name (k3s node names and PV node affinity "
                    + "use it) with the matching `127.0.1.1` line in /etc/hosts, and reads its facts (model, "
                    + "arch, memory, OS, kernel, boot device, throttling) for preflight warnings. The name must be a "
                    + "valid host name: lower-case letters, digits and `-`.",
            """
            node "pi-worker-1" {
              address = "192.168.1.11"
            }""");

    public static final BlockSchema KERNEL_PARAMS = new BlockSchema("kernel_params", "name", true, List.of(
            nodes("kernel_params.NAME"),
            attr("add", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Tokens pictl keeps on the single line of cmdline.txt. A token dropped from this list is removed from the file."),
            attr("remove", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Tokens that must be absent from cmdline.txt (e.g. `cgroup_disable=memory`)."),
            DEPENDS_ON),
            List.of(),
            "Kernel command-line tokens in cmdline.txt (`/boot/firmware/cmdline.txt` on Bookworm, "
                    + "`/boot/cmdline.txt` before; detected). A change needs a reboot: pictl drains the node if it "
                    + "is in the cluster, reboots it, waits for a new boot_id, verifies `/proc/cmdline` and the "
                    + "memory cgroup, and uncordons it. At most one kernel_params block per node.",
            """
            kernel_params "cgroups" {
              nodes = [node.pi-server-1, node.pi-worker-1]
              add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
            }""");

    public static final BlockSchema RUNTIME = new BlockSchema("runtime", "name", true, List.of(
            nodes("runtime.NAME"),
            attr("engine", AttrType.STRING).required().oneOf("containerd", "docker")
                    .doc("`containerd` is k3s's embedded runtime (nothing to install); `docker` installs Debian's `docker.io` and sets k3s's `docker: true`."),
            DEPENDS_ON),
            List.of(),
            "The container runtime k3s uses on the listed nodes. At most one runtime block per node.",
            """
            runtime "docker" {
              nodes  = [node.pi-worker-1]
              engine = "docker"
            }""");

    public static final BlockSchema K3S_SERVER = new BlockSchema("k3s_server", "name", false, List.of(
            attr("node", AttrType.NODE_REF).required().forcesReplacement()
                    .doc("The node that runs the server."),
            attr("version", AttrType.STRING).required().check(Check.K3S_VERSION)
                    .doc("k3s release to install; a change is an upgrade (never a downgrade or a skipped minor). Agents install the same version."),
            attr("token", AttrType.STRING).sensitive()
                    .doc("Cluster token. Optional: k3s generates one and pictl reads it for joins. It cannot be changed on a live server (use `k3s token rotate`)."),
            attr("disable", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Packaged components not to deploy, e.g. `[\"traefik\"]` (k3s `disable`). No empty entries."),
            attr("config", AttrType.MAP).defaultValue(java.util.Map.of())
                    .doc("Further `/etc/rancher/k3s/config.yaml` keys, passed through (e.g. `{ \"node-ip\" = \"192.168.1.10\" }`). "
                            + "Keys are k3s flag names without `--` (lower-case letters, digits and `-`, e.g. `node-label`); "
                            + "`node-name`, `token`, `server`, `docker` and `disable` are pictl's own, in any spelling. "
                            + "Keys and values are written as quoted YAML strings; a value may not hold a NUL character."),
            DEPENDS_ON),
            List.of(),
            "The k3s server (control plane). Installed with the official script, configured through "
                    + "`/etc/rancher/k3s/config.yaml` (always with `node-name`). Exactly one for now; HA with several "
                    + "servers is future work.",
            """
            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
              disable = ["traefik"]
            }""");

    public static final BlockSchema K3S_AGENT = new BlockSchema("k3s_agent", "name", true, List.of(
            nodes("k3s_agent.NAME"),
            attr("server", AttrType.SERVER_REF).required()
                    .doc("The server the agents join; they install its version and use its token."),
            attr("config", AttrType.MAP).defaultValue(java.util.Map.of())
                    .doc("Further agent `config.yaml` keys, passed through; the same rules as k3s_server's `config`."),
            DEPENDS_ON),
            List.of(),
            "k3s agents (workers) joined to the server. Removal drains the node, uninstalls k3s and deletes the "
                    + "Node object.",
            """
            k3s_agent "workers" {
              nodes  = [node.pi-worker-1, node.pi-worker-2]
              server = k3s_server.control
            }""");

    public static final BlockSchema STORAGE_CLASS = new BlockSchema("storage_class", "name", false, List.of(
            attr("provisioner", AttrType.STRING).required().forcesReplacement()
                    .doc("e.g. `kubernetes.io/no-provisioner` for local volumes."),
            attr("volume_binding_mode", AttrType.STRING).forcesReplacement()
                    .oneOf("Immediate", "WaitForFirstConsumer").defaultValue("Immediate")
                    .doc("When volumes are bound; `WaitForFirstConsumer` suits node-local volumes."),
            attr("reclaim_policy", AttrType.STRING).forcesReplacement().oneOf("Delete", "Retain").defaultValue("Delete")
                    .doc("What happens to dynamically provisioned volumes when released."),
            attr("allow_volume_expansion", AttrType.BOOL).defaultValue(false)
                    .doc("Whether claims may grow."),
            attr("parameters", AttrType.MAP).forcesReplacement().defaultValue(java.util.Map.of())
                    .doc("Provisioner parameters: strings (numbers and bools are written as text); Kubernetes holds no list or map here."),
            attr("default", AttrType.BOOL).defaultValue(false)
                    .doc("Mark as the cluster's default class (k3s's own `local-path` is default too unless disabled with `disable = [\"local-storage\"]`)."),
            DEPENDS_ON),
            List.of(),
            "A Kubernetes StorageClass, created through the server. `provisioner`, `parameters`, `reclaim_policy` "
                    + "and `volume_binding_mode` are immutable in Kubernetes: changing one replaces the class. Do not "
                    + "name it `local-path` (k3s owns that one).",
            """
            storage_class "local-storage" {
              provisioner            = "kubernetes.io/no-provisioner"
              volume_binding_mode    = "WaitForFirstConsumer"
              allow_volume_expansion = true
            }""");

    public static final BlockSchema PV = new BlockSchema("pv", "name", false, List.of(
            attr("capacity", AttrType.STRING).required().check(Check.K8S_QUANTITY)
                    .doc("Size, as a Kubernetes quantity (`10Gi`)."),
            attr("access_modes", AttrType.STRING_LIST).required()
                    .oneOf("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
                    .doc("Access modes of the volume; at least one."),
            attr("reclaim_policy", AttrType.STRING).oneOf("Retain", "Delete", "Recycle").defaultValue("Retain")
                    .doc("What happens to the data when the claim is released. `Retain` is the safe choice for local volumes."),
            attr("storage_class", AttrType.STORAGE_CLASS_REF).required().forcesReplacement()
                    .doc("The class the volume belongs to."),
            attr("path", AttrType.STRING).required().forcesReplacement().check(Check.ABSOLUTE_PATH)
                    .doc("Directory on the node that backs the volume; pictl creates it. Not a system directory (`/etc`, "
                            + "`/boot`, `/usr`, `/run`, `/tmp`, `/var/lib/rancher`, ... and what is under them), not a whole "
                            + "shared one (`/`, `/mnt`, `/srv`, `/home`, ...), and not another volume's directory on the same "
                            + "node or one inside it."),
            attr("node", AttrType.NODE_REF).required().forcesReplacement()
                    .doc("The node that holds the directory (the volume's node affinity); it must be in the cluster."),
            DEPENDS_ON),
            List.of(),
            "A local, node-affine PersistentVolume and its directory on the node. The path, node and class are "
                    + "immutable: a change replaces the volume. Deleting a Bound volume, or one whose directory holds "
                    + "data, is refused unless explicitly allowed.",
            """
            pv "local-pv-1" {
              capacity       = "10Gi"
              access_modes   = ["ReadWriteOnce"]
              reclaim_policy = "Retain"
              storage_class  = storage_class.local-storage
              path           = "/mnt/local-storage"
              node           = node.pi-worker-1
            }""");

    /** The seven resource types, in domain order (which is also the order of the generated docs). */
    public static final List<BlockSchema> RESOURCES = List.of(NODE, KERNEL_PARAMS, RUNTIME, K3S_SERVER, K3S_AGENT,
            STORAGE_CLASS, PV);

    /** Every top-level block type. */
    public static final List<BlockSchema> TOP_LEVEL = List.of(VARIABLE, CLUSTER, SSH, DRIFT, NODE, KERNEL_PARAMS, RUNTIME, K3S_SERVER,
            K3S_AGENT, STORAGE_CLASS, PV);

    public static Optional<BlockSchema> resource(String type) {
        return RESOURCES.stream().filter(b -> b.type().equals(type)).findFirst();
    }

    public static Optional<BlockSchema> topLevel(String type) {
        return TOP_LEVEL.stream().filter(b -> b.type().equals(type)).findFirst();
    }
}
