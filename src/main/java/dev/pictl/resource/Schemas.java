package dev.pictl.resource;

import static dev.pictl.resource.AttributeSchema.attr;

import java.util.List;
import java.util.Optional;

/**
 * The blocks of the language itself ({@code variable}, {@code cluster}, {@code ssh}, {@code drift}, {@code state}) and the
 * attributes resource types share ({@code depends_on}, {@code nodes}). Each resource type's own schema lives in its
 * package ({@code dev.pictl.types.*}) and the registry ({@code types.ResourceTypes}) lists them; the validator
 * decodes configurations with both, and {@code schema/config.schema.json} and {@code docs/resources.md} are
 * generated from both (a test fails when the generated copies are out of date). Block and attribute names are a
 * public contract: add freely, rename only for a strong reason recorded in {@code docs/}.
 */
public final class Schemas {
    private Schemas() {
    }

    /**
     * The type of the {@code node} block: a resource type ({@code types.host.NodeType}), and also the language's
     * anchor, which node references ({@code node.NAME}) and per-node blocks ({@code nodes = [...]}) point at.
     */
    public static final String NODE_TYPE = "node";

    public static final AttributeSchema DEPENDS_ON = attr("depends_on", AttrType.REF_LIST)
            .doc("Extra ordering: this resource is changed only after the listed resources. "
                    + "References the graph does not already imply, e.g. `[runtime.docker]`.");

    /** The {@code nodes} attribute of a per-node block ({@code what} is its address pattern). */
    public static AttributeSchema nodes(String what) {
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

    /** {@code state { ... }}: where the state lives (docs/state.md, "Team use: the state in PostgreSQL"). */
    public static final BlockSchema STATE = new BlockSchema("state", null, false, List.of(
            attr("backend", AttrType.STRING).oneOf("local", "pg").defaultValue("local")
                    .doc("`local`: the file `pictl.state.json` beside the description (`--state` moves it). `pg`: a "
                            + "table in PostgreSQL that a team, a CI job and a cron `drift` share, with a lock that "
                            + "dies with its holder's connection."),
            attr("conn_str", AttrType.STRING)
                    .doc("For `pg` (required): `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...]`. Never a "
                            + "password: it comes from `PGPASSWORD` or `~/.pgpass` (mode 0600), as for `psql`."),
            attr("schema_name", AttrType.STRING).defaultValue("pictl")
                    .doc("For `pg`: the PostgreSQL schema of pictl's tables, created when missing. The cluster's "
                            + "name (the `cluster` block's, or the directory's) is the key of its state in them."),
            attr("history", AttrType.NUMBER).defaultValue(100)
                    .doc("For `pg`: how many versions of the state are kept (every write is one; "
                            + "`pictl state list-versions` lists them). At least 2.")),
            List.of(),
            "Where the state lives. Optional; at most one. Without it the state is the local file "
                    + "`pictl.state.json`.",
            """
            state {
              backend     = "pg"
              conn_str    = "postgres://pictl@db.home.lan/pictl?sslmode=verify-full"
              schema_name = "pictl"
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

    /** The blocks of the language itself, which are not resource types, in documentation order. */
    public static final List<BlockSchema> LANGUAGE = List.of(VARIABLE, CLUSTER, SSH, DRIFT, STATE);
}
