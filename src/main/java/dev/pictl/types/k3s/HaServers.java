package dev.pictl.types.k3s;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.types.host.KernelParamsType;
import dev.pictl.types.host.RuntimeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several k3s servers with embedded etcd (issue 14, docs/ha.md): which nodes a {@code k3s_server} block names, the
 * description's rules about them, and etcd's quorum arithmetic. The first server is initialised with
 * {@code cluster-init}; the others join it one at a time (k3s fails servers that join at the same moment, day2-facts
 * §1.2).
 */
public final class HaServers {
    private HaServers() {
    }

    /** The server nodes of a {@code k3s_server} instance, the first (cluster-init) first: {@code nodes}, else {@code node}. */
    public static List<String> nodes(ResourceInstance server) {
        List<String> out = new ArrayList<>();
        if (server.attributes().get("nodes") instanceof Value.ListVal l) {
            for (Value item : l.items()) {
                if (item instanceof Value.Ref r && !out.contains(r.target().name())) {
                    out.add(r.target().name());
                }
            }
            return out;
        }
        if (server.node() != null) {
            out.add(server.node());
        }
        return out;
    }

    /** Whether the block declares several servers ({@code nodes} with two or more). */
    static boolean several(ResourceInstance server) {
        return server.attributes().containsKey("nodes") && nodes(server).size() > 1;
    }

    /** etcd's quorum: a majority of the members, {@code n/2 + 1}. */
    public static int quorum(int members) {
        return members / 2 + 1;
    }

    /**
     * Whether taking one more member down loses quorum: {@code members} in the cluster, {@code down} of them down
     * already. Only asked when a member is down (the rule: a change that takes a member down while another is
     * down); with none down, a rolling change keeps quorum for three or more members.
     */
    public static boolean oneMoreLosesQuorum(int members, int down) {
        return down > 0 && members - down - 1 < quorum(members);
    }

    /**
     * {@code node} xor {@code nodes}; {@code nodes} not empty; an even number of servers is a warning that explains
     * quorum.
     */
    static void check(Config config, List<ResourceInstance> servers, Diagnostics diags) {
        for (ResourceInstance s : servers) {
            Value one = s.attributes().get("node");
            Value many = s.attributes().get("nodes");
            if (one != null && many != null) {
                diags.error(many.range(), s.address() + " sets both node and nodes",
                        "node is the one-server form (sqlite); nodes lists several servers (embedded etcd). Keep one: "
                                + "nodes = [node.a, node.b, node.c] for high availability.");
                continue;
            }
            if (one == null && many == null && !diags.hasErrors()) {
                // (an attribute written with a wrong value is already reported, and left out of the decoded ones)
                diags.error(s.headerRange(), s.address() + " names no node",
                        "Set node = node.NAME for one server, or nodes = [node.a, node.b, node.c] for several.");
                continue;
            }
            if (one == null && many == null) {
                continue;
            }
            if (!(many instanceof Value.ListVal l)) {
                continue;
            }
            if (l.items().isEmpty()) {
                diags.error(l.range(), "nodes of " + s.address() + " is empty",
                        "List the server nodes, the first one initialises the cluster: nodes = [node.a, node.b, node.c].");
                continue;
            }
            Map<String, Value> seen = new HashMap<>();
            for (Value item : l.items()) {
                if (item instanceof Value.Ref r && seen.putIfAbsent(r.target().name(), item) != null) {
                    diags.error(item.range(), "node \"" + r.target().name() + "\" is listed twice in nodes of "
                            + s.address(), "It is already listed at " + seen.get(r.target().name()).range().location()
                            + ". Remove one.");
                }
            }
            int n = seen.size();
            if (n > 1 && n % 2 == 0) {
                diags.warning(l.range(), n + " servers: an even number adds no fault tolerance",
                        "etcd needs a majority (quorum) of its members to accept writes: " + quorum(n) + " of " + n
                                + ". " + n + " servers tolerate " + (n - quorum(n)) + " down, as "
                                + (n - 1) + " would" + (n == 2 ? " (none: losing either server stops the cluster)" : "")
                                + ". Use " + (n + 1) + " servers (tolerates " + (n + 1 - quorum(n + 1)) + ") or "
                                + (n - 1) + ".");
            }
        }
    }

    /**
     * The domain edges into a several-server block from the hosts of its other servers: k3s on each server after the
     * runtime (or kernel parameters) on that node, as {@link K3sTopology#afterTheHost} does for the first.
     */
    static List<Edge> afterTheOtherHosts(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        for (ResourceInstance k : instances.ofType(K3sServerType.NAME)) {
            if (!(k.attributes().get("nodes") instanceof Value.ListVal l)) {
                continue;
            }
            for (Value item : l.items()) {
                if (!(item instanceof Value.Ref r) || r.target().name().equals(k.node())) {
                    continue;
                }
                String node = r.target().name();
                instances.firstOnNode(RuntimeType.NAME, node)
                        .or(() -> instances.firstOnNode(KernelParamsType.NAME, node))
                        .ifPresent(before -> out.add(Edge.domain(before.address(), k.address(), item.range(),
                                before.type().equals(RuntimeType.NAME) ? "k3s after the runtime"
                                        : "k3s after the kernel parameters")));
            }
        }
        return out;
    }

    /** Every node a description's servers run on (empty without a server). */
    public static List<String> serverNodes(Config config) {
        return K3sTopology.server(config).map(HaServers::nodes).orElse(List.of());
    }
}
