package dev.pictl.types.k3s;

import dev.pictl.config.Config;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.types.host.KernelParamsType;
import dev.pictl.types.host.RuntimeType;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where k3s runs in a description: the server, the nodes in the cluster, the k3s instance on a node. */
public final class K3sTopology {
    private K3sTopology() {
    }

    /** The k3s server (the first, should a description declare more). */
    public static Optional<ResourceInstance> server(Config config) {
        return config.ofType(K3sServerType.NAME).stream().findFirst();
    }

    /** The nodes that run k3s: the server's and the agents'. */
    public static Set<String> clusterNodes(Config config) {
        Set<String> nodes = new HashSet<>();
        nodes.addAll(HaServers.serverNodes(config));
        config.ofType(K3sAgentType.NAME).forEach(a -> nodes.add(a.node()));
        return nodes;
    }

    /**
     * The instance that runs k3s on a node in a graph: its server (the last declared there, or the block whose
     * {@code nodes} lists it), else its agent.
     */
    public static Optional<ResourceInstance> k3sOn(GraphInstances instances, String node) {
        if (node == null) {
            return Optional.empty();
        }
        List<ResourceInstance> servers = instances.onNode(K3sServerType.NAME, node);
        if (servers.isEmpty()) {
            // A server other than the first of a k3s_server's nodes: that block runs k3s there.
            Optional<ResourceInstance> listing = instances.ofType(K3sServerType.NAME).stream()
                    .filter(s -> HaServers.nodes(s).contains(node)).findFirst();
            if (listing.isPresent()) {
                return listing;
            }
        }
        return servers.isEmpty() ? instances.firstOnNode(K3sAgentType.NAME, node)
                : Optional.of(servers.get(servers.size() - 1));
    }

    /**
     * The domain edges into the k3s instances of {@code type}: k3s after the runtime on its node, or after the
     * kernel parameters when the node has no runtime block.
     */
    static List<Edge> afterTheHost(GraphInstances instances, String type) {
        return instances.ofType(type).stream()
                .filter(k -> k.node() != null && k3sOn(instances, k.node()).filter(k::equals).isPresent())
                .flatMap(k -> instances.firstOnNode(RuntimeType.NAME, k.node())
                        .or(() -> instances.firstOnNode(KernelParamsType.NAME, k.node()))
                        .map(before -> Edge.domain(before.address(), k.address(),
                                k.nodeRange() != null ? k.nodeRange() : k.rangeOf("node"),
                                before.type().equals(RuntimeType.NAME) ? "k3s after the runtime"
                                        : "k3s after the kernel parameters"))
                        .stream())
                .toList();
    }

    /**
     * Edges that put every instance of {@code type} (a cluster object) after every k3s agent: created once the whole
     * cluster has joined, and on destroy deleted while every board still runs k3s, before any agent is uninstalled.
     */
    public static List<Edge> afterEveryAgent(GraphInstances instances, String type, String reason) {
        List<Edge> out = new java.util.ArrayList<>();
        for (ResourceInstance object : instances.ofType(type)) {
            out.addAll(afterEveryAgent(instances, object, reason));
        }
        return out;
    }

    /** {@link #afterEveryAgent(GraphInstances, String, String)} for one instance. */
    public static List<Edge> afterEveryAgent(GraphInstances instances, ResourceInstance object, String reason) {
        return instances.ofType(K3sAgentType.NAME).stream()
                .map(agent -> Edge.domain(agent.address(), object.address(), object.headerRange(), reason))
                .toList();
    }
}
