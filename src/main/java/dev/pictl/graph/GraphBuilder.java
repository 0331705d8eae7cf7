package dev.pictl.graph;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * Builds the {@link ResourceGraph} of a set of resource instances.
 *
 * <pre>
 *   node.N ──▶ kernel_params.K["N"] ──▶ runtime.R["N"] ──▶ k3s (server or agent) on N
 *                                                           k3s_server.S ──▶ k3s_agent.A["M"]
 *                                                           k3s_server.S ──▶ storage_class.C ──▶ pv.P
 *                                                          k3s on pv.P's node ─────────────────▶ pv.P
 * </pre>
 *
 * A missing middle step is skipped (no runtime block: kernel_params → k3s directly). References add edges from
 * the referenced instance(s); a reference to a per-node block means all of its instances, except that a
 * per-node instance's own {@code nodes} entry ties it to that one node only. {@code depends_on} adds edges.
 * A dependency cycle is reported as one diagnostic per cycle, naming every edge and where it comes from.
 */
public final class GraphBuilder {
    private final Map<ResourceAddress, ResourceInstance> byAddress = new LinkedHashMap<>();
    private final List<Edge> selfLoops = new ArrayList<>();

    private record Key(ResourceAddress from, ResourceAddress to) {
    }

    private final Map<Key, Edge> byPair = new LinkedHashMap<>();

    private GraphBuilder(List<ResourceInstance> instances) {
        instances.forEach(i -> byAddress.put(i.address(), i));
    }

    /** The graph, or null when it has a cycle (then {@code diags} holds the cycle errors). */
    public static ResourceGraph build(List<ResourceInstance> instances, Diagnostics diags) {
        GraphBuilder b = new GraphBuilder(instances);
        b.references();
        b.attributeReferences();
        b.dependsOn();
        b.domain();
        return b.finish(diags);
    }

    private void references() {
        for (ResourceInstance i : byAddress.values()) {
            for (Map.Entry<String, Value> attr : i.attributes().entrySet()) {
                if (attr.getKey().equals("depends_on")) {
                    continue;
                }
                if (attr.getKey().equals("nodes") && i.node() != null) {
                    // A per-node instance depends on its own node only.
                    add(ResourceAddress.of("node", i.node()), i.address(), EdgeKind.REFERENCE, i.nodeRange(),
                            "listed in nodes");
                    continue;
                }
                for (Value.Ref r : i.refs(attr.getKey())) {
                    for (ResourceAddress target : resolve(r.target())) {
                        add(target, i.address(), EdgeKind.REFERENCE, r.range(), "refers to it in " + attr.getKey());
                    }
                }
            }
        }
    }

    private void attributeReferences() {
        for (ResourceInstance i : byAddress.values()) {
            for (Value.Ref r : i.attributeRefs()) {
                for (ResourceAddress target : resolve(r.target())) {
                    add(target, i.address(), EdgeKind.REFERENCE, r.range(), "uses one of its attributes");
                }
            }
        }
    }

    private void dependsOn() {
        for (ResourceInstance i : byAddress.values()) {
            for (Value.Ref r : i.refs("depends_on")) {
                for (ResourceAddress target : resolve(r.target())) {
                    add(target, i.address(), EdgeKind.DEPENDS_ON, r.range(), "depends_on");
                }
            }
        }
    }

    private void domain() {
        Map<String, ResourceInstance> kernel = onNode("kernel_params");
        Map<String, ResourceInstance> runtime = onNode("runtime");
        Map<String, ResourceInstance> k3s = new HashMap<>(onNode("k3s_agent"));
        List<ResourceInstance> servers = ofType("k3s_server");
        servers.forEach(s -> {
            if (s.node() != null) {
                k3s.put(s.node(), s);
            }
        });
        for (ResourceInstance rt : runtime.values()) {
            ResourceInstance kp = kernel.get(rt.node());
            if (kp != null) {
                add(kp.address(), rt.address(), EdgeKind.DOMAIN, rt.nodeRange(), "the runtime after the kernel parameters");
            }
        }
        for (Map.Entry<String, ResourceInstance> e : k3s.entrySet()) {
            ResourceInstance k = e.getValue();
            SourceRange at = k.nodeRange() != null ? k.nodeRange() : k.rangeOf("node");
            ResourceInstance before = runtime.getOrDefault(e.getKey(), kernel.get(e.getKey()));
            if (before != null) {
                add(before.address(), k.address(), EdgeKind.DOMAIN, at,
                        "k3s after the " + (before.type().equals("runtime") ? "runtime" : "kernel parameters"));
            }
        }
        for (ResourceInstance s : servers) {
            for (ResourceInstance sc : ofType("storage_class")) {
                add(s.address(), sc.address(), EdgeKind.DOMAIN, sc.headerRange(), "storage after the server");
            }
        }
        for (ResourceInstance pv : ofType("pv")) {
            ResourceInstance k = pv.node() == null ? null : k3s.get(pv.node());
            if (k != null) {
                add(k.address(), pv.address(), EdgeKind.DOMAIN, pv.rangeOf("node"), "the volume after k3s on its node");
            }
        }
    }

    private Map<String, ResourceInstance> onNode(String type) {
        Map<String, ResourceInstance> out = new HashMap<>();
        for (ResourceInstance i : ofType(type)) {
            out.putIfAbsent(i.node(), i);
        }
        return out;
    }

    private List<ResourceInstance> ofType(String type) {
        return byAddress.values().stream().filter(i -> i.type().equals(type)).toList();
    }

    /** A reference's instances: itself, or all instances of a per-node block. */
    private List<ResourceAddress> resolve(ResourceAddress target) {
        if (byAddress.containsKey(target)) {
            return List.of(target);
        }
        return byAddress.keySet().stream().filter(a -> a.block().equals(target) && a.hasKey()).toList();
    }

    private void add(ResourceAddress from, ResourceAddress to, EdgeKind kind, SourceRange at, String why) {
        if (!byAddress.containsKey(from) || !byAddress.containsKey(to)) {
            return;
        }
        Edge e = new Edge(from, to, kind, at, why);
        if (from.equals(to)) {
            selfLoops.add(e);
            return;
        }
        byPair.putIfAbsent(new Key(from, to), e);
    }

    private ResourceGraph finish(Diagnostics diags) {
        for (Edge e : selfLoops) {
            diags.error(e.at(), "dependency cycle: " + e.to() + " depends on itself",
                    "Remove " + e.from() + " from its own depends_on.");
        }
        Graph<ResourceAddress, Edge> g = new DefaultDirectedGraph<>(null, null, false);
        byAddress.keySet().forEach(g::addVertex);
        byPair.values().forEach(e -> g.addEdge(e.from(), e.to(), e));
        boolean cyclic = false;
        for (Set<ResourceAddress> scc : new KosarajuStrongConnectivityInspector<>(g).stronglyConnectedSets()) {
            if (scc.size() > 1) {
                cyclic = true;
                reportCycle(g, scc, diags);
            }
        }
        if (cyclic || !selfLoops.isEmpty()) {
            return null;
        }
        List<ResourceAddress> order = new ArrayList<>();
        new TopologicalOrderIterator<>(g, ResourceGraph.ORDER).forEachRemaining(order::add);
        return new ResourceGraph(order, new ArrayList<>(byPair.values()));
    }

    /**
     * One cycle through the strongly connected set, starting at its first member in domain order, found by
     * breadth-first search back to the start. Reported at the first user-written depends_on edge of the cycle
     * (that is the edge to change), else at the first edge.
     */
    private static void reportCycle(Graph<ResourceAddress, Edge> g, Set<ResourceAddress> scc, Diagnostics diags) {
        ResourceAddress start = scc.stream().min(ResourceGraph.ORDER).orElseThrow();
        Map<ResourceAddress, Edge> via = new HashMap<>();
        Deque<ResourceAddress> queue = new ArrayDeque<>();
        queue.add(start);
        Edge closing = null;
        while (!queue.isEmpty() && closing == null) {
            ResourceAddress v = queue.poll();
            List<Edge> out = new ArrayList<>(g.outgoingEdgesOf(v));
            out.sort((a, b) -> ResourceGraph.ORDER.compare(a.to(), b.to()));
            for (Edge e : out) {
                if (!scc.contains(e.to())) {
                    continue;
                }
                if (e.to().equals(start)) {
                    closing = e;
                    break;
                }
                if (!via.containsKey(e.to())) {
                    via.put(e.to(), e);
                    queue.add(e.to());
                }
            }
        }
        List<Edge> path = new ArrayList<>();
        path.add(closing);
        ResourceAddress v = closing.from();
        while (!v.equals(start)) {
            Edge e = via.get(v);
            path.add(0, e);
            v = e.from();
        }
        StringBuilder chain = new StringBuilder(start.toString());
        StringBuilder detail = new StringBuilder("Each arrow means \"must come before\":\n");
        Edge subject = null;
        for (Edge e : path) {
            chain.append(" -> ").append(e.to());
            detail.append("  ").append(e.from()).append(" -> ").append(e.to()).append("  (").append(e.why())
                    .append(", ").append(e.at().location()).append(")\n");
            if (subject == null && e.kind() == EdgeKind.DEPENDS_ON) {
                subject = e;
            }
        }
        if (subject == null) {
            subject = path.get(0);
        }
        detail.append("Remove one of these dependencies; depends_on entries are the usual culprits.");
        diags.error(subject.at(), "dependency cycle: " + chain, detail.toString());
    }
}
