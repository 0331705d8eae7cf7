package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.Rules;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import java.util.List;

/** The {@code k3s_agent} resource type. k3s agents joined to the server. */
public final class K3sAgentType implements ResourceType {
    public static final String NAME = "k3s_agent";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("k3s_agent.NAME"),
            attr("server", AttrType.REF).refersTo(K3sServerType.NAME).required()
                    .doc("The server the agents join; they install its version and use its token."),
            attr("config", AttrType.MAP).defaultValue(java.util.Map.of())
                    .doc("Further agent `config.yaml` keys, passed through; the same rules as k3s_server's `config`."),
            KubeletReservations.SYSTEM_RESERVED_ATTR,
            KubeletReservations.KUBE_RESERVED_ATTR,
            KubeletReservations.EVICTION_HARD_ATTR,
            Registries.MIRRORS_ATTR,
            Registries.AUTH_ATTR,
            CertRenewal.MARGIN_ATTR,
            Schemas.DEPENDS_ON),
            List.of(),
            "k3s agents (workers) joined to the server. Removal drains the node, uninstalls k3s and deletes the "
                    + "Node object.",
            """
            k3s_agent "workers" {
              nodes  = [node.pi-worker-1, node.pi-worker-2]
              server = k3s_server.control
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /**
     * A node is in one agent block and is not the server's node; the config passthrough; the memory cgroup on each
     * agent's node.
     */
    @Override
    public void check(Config config, Diagnostics diags) {
        Rules.onePerNode(config, NAME, "is already an agent in", diags);
        ResourceInstance server = K3sTopology.server(config).orElse(null);
        List<String> serverNodes = server == null ? List.of() : HaServers.nodes(server);
        List<ResourceInstance> agents = config.ofType(NAME);
        for (ResourceInstance agent : agents) {
            if (serverNodes.contains(agent.node())) {
                diags.error(agent.nodeRange(), "node \"" + agent.node() + "\" is both the k3s server and an agent",
                        "It runs " + server.address() + " (" + server.rangeOf(server.attributes().containsKey("nodes") ? "nodes" : "node").location() + "). A server "
                                + "already runs workloads; remove node." + agent.node() + " from the agent's nodes.");
            }
        }
        new K3sConfigKeys(config, diags).check(agents);
        KubeletReservations.check(config, agents, diags);
        Registries.check(config, agents, diags);
        CertRenewal.check(agents, diags);
        new K3sRules(config, diags).memoryCgroup(agents);
    }

    /** Each agent after the runtime (or the kernel parameters) on its node. */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        return K3sTopology.afterTheHost(instances, NAME);
    }

    @Override
    public Kind kind() {
        return new K3sAgentKind();
    }

    @Override
    public Executor executor() {
        return new K3sAgentExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(NodeProbe.UNITS, K3sProbe.INSTALL);
    }
}
