package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.ResourceBlock;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.ResourceInstance;
import java.util.List;
import java.util.Map;

/** The {@code k3s_server} resource type. The k3s server (control plane) on one node. */
public final class K3sServerType implements ResourceType {
    public static final String NAME = "k3s_server";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("node", AttrType.NODE_REF).forcesReplacement()
                    .doc("The node that runs the server (one server, the datastore is sqlite). Give `node` or `nodes`."),
            attr("nodes", AttrType.NODE_REF_LIST)
                    .doc("Several servers with embedded etcd (high availability): the first is initialised with "
                            + "`cluster-init`, the others join it one at a time. Use an odd number (3 tolerates one "
                            + "board down). Give `node` or `nodes`; see docs/ha.md."),
            attr("api_address", AttrType.STRING).check(Check.ADDRESS)
                    .doc("The fixed registration address in front of the servers (a DNS name, a VIP or a load "
                            + "balancer): added to every server's `tls-san`; agents join it and the kubeconfig points "
                            + "at it. Default: the first server's address."),
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
            KubeletReservations.SYSTEM_RESERVED_ATTR,
            KubeletReservations.KUBE_RESERVED_ATTR,
            KubeletReservations.EVICTION_HARD_ATTR,
            Registries.MIRRORS_ATTR,
            Registries.AUTH_ATTR,
            PodSecurityDefault.SCHEMA,
            CertRenewal.MARGIN_ATTR,
            Schemas.DEPENDS_ON),
            List.of(),
            "The k3s server (control plane). Installed with the official script, configured through "
                    + "`/etc/rancher/k3s/config.yaml` (always with `node-name`). One block: one server (`node`, sqlite) or "
                    + "several (`nodes`, embedded etcd; changes roll one server at a time, see docs/ha.md).",
            """
            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
              disable = ["traefik"]
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public String instanceNode(String label, Map<String, Value> attributes) {
        String one = ResourceBlock.referencedNode(attributes, "node");
        if (one == null && attributes.get("nodes") instanceof Value.ListVal l && !l.items().isEmpty()
                && l.items().get(0) instanceof Value.Ref r) {
            return r.target().name();
        }
        return one;
    }

    /**
     * At most one k3s_server block, with node or nodes (several servers: {@link HaServers#check}); its config
     * passthrough and disable entries; the memory cgroup on each server's node; a warning for a token in clear text.
     */
    @Override
    public void check(Config config, Diagnostics diags) {
        List<ResourceInstance> servers = config.ofType(NAME);
        ResourceInstance server = servers.isEmpty() ? null : servers.get(0);
        for (ResourceInstance extra : servers.subList(Math.min(1, servers.size()), servers.size())) {
            diags.error(extra.headerRange(), "a second k3s_server " + extra.address()
                            + ": one k3s_server block declares every server",
                    "Several servers (embedded etcd) go in one block: nodes = [node.a, node.b, node.c]. "
                            + server.address() + " is declared at " + server.headerRange().location() + ".");
        }
        HaServers.check(config, servers, diags);
        new K3sConfigKeys(config, diags).check(servers);
        KubeletReservations.check(config, servers, diags);
        Registries.check(config, servers, diags);
        CertRenewal.check(servers, diags);
        K3sRules rules = new K3sRules(config, diags);
        rules.disableEntries(server);
        if (server != null) {
            rules.memoryCgroup(List.of(server));
            rules.memoryCgroup(HaServers.nodes(server).stream().filter(n -> !n.equals(server.node()))
                    .map(n -> new ResourceInstance(server.address(), server.schema(), n, server.headerRange(),
                            server.rangeOf("nodes"), server.attributes(), Map.of(), List.of())).toList());
        }
        rules.clearTextToken(server);
    }

    /**
     * Validate's advice (it cannot see the board): the server with no memory reserved. Plan gives the same advice
     * only for a board of 4 GB or less, from the probe ({@link K3sServerKind#advise}).
     */
    @Override
    public void advise(Config config, Diagnostics diags) {
        for (ResourceInstance server : config.ofType(NAME)) {
            if (server.node() != null && !KubeletReservations.reservesMemory(server)) {
                String[] a = KubeletReservations.advice(server, null);
                diags.warning(server.headerRange(), a[0], a[1]);
            }
        }
    }

    /** The server after the runtime (or the kernel parameters) on its node. */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new java.util.ArrayList<>(K3sTopology.afterTheHost(instances, NAME));
        out.addAll(HaServers.afterTheOtherHosts(instances));
        return out;
    }

    @Override
    public Kind kind() {
        return new K3sServerKind();
    }

    /** The cluster is reached through the k3s server: {@link ApiServer}. */
    @Override
    public java.util.Optional<dev.pictl.plan.kind.ClusterEndpoint> endpoint(dev.pictl.config.Config config) {
        return ApiServer.of(config).map(s -> s);
    }

    @Override
    public Executor executor() {
        return new K3sServerExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(NodeProbe.UNITS, K3sProbe.INSTALL, NodeProbe.KUBE);
    }

    /** The server's node reads its token and the cluster's objects. */
    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource) {
        if (resource.node() == null) {
            return List.of();
        }
        List<ProbeRequest> asks = new java.util.ArrayList<>(List.of(
                ProbeRequest.of(resource.node()).with(K3sProbe.SERVER_TOKEN_ASK).with(NodeProbe.KUBE_ASK)));
        for (String other : HaServers.nodes(resource)) {
            if (!other.equals(resource.node())) {
                asks.add(ProbeRequest.of(other).with(K3sProbe.SERVER_TOKEN_ASK));
            }
        }
        return asks;
    }
}
