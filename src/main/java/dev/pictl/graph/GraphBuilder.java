package dev.pictl.graph;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
 * A missing middle step is skipped (no runtime block: kernel_params → k3s directly). These domain edges are the
 * types' own ({@link GraphType#domainEdges}, in {@code dev.pictl.types.*}); the builder knows no type by name but
 * the node, the language's anchor. References add edges from
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

    private final Comparator<ResourceAddress> order;

    private GraphBuilder(List<ResourceInstance> instances, Comparator<ResourceAddress> order) {
        instances.forEach(i -> byAddress.put(i.address(), i));
        this.order = order;
    }

    /**
     * The graph, or null when it has a cycle (then {@code diags} holds the cycle errors). {@code types} are the
     * resource types in domain order (the registry's): their order breaks ties, and each gives its domain edges.
     */
    public static ResourceGraph build(List<ResourceInstance> instances, List<? extends GraphType> types,
                                      Diagnostics diags) {
        GraphBuilder b = new GraphBuilder(instances, ResourceGraph.order(types.stream().map(GraphType::name).toList()));
        b.references();
        b.attributeReferences();
        b.dependsOn();
        b.domain(types);
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
                    add(ResourceAddress.of(Schemas.NODE_TYPE, i.node()), i.address(), EdgeKind.REFERENCE, i.nodeRange(),
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

    /** Each type's domain edges, in the types' order. */
    private void domain(List<? extends GraphType> types) {
        GraphInstances view = new GraphInstances(List.copyOf(byAddress.values()));
        for (GraphType t : types) {
            for (Edge e : t.domainEdges(view)) {
                add(e.from(), e.to(), e.kind(), e.at(), e.why());
            }
        }
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
                reportCycle(g, scc, diags, order);
            }
        }
        if (cyclic || !selfLoops.isEmpty()) {
            return null;
        }
        List<ResourceAddress> order = new ArrayList<>();
        new TopologicalOrderIterator<>(g, this.order).forEachRemaining(order::add);
        return new ResourceGraph(order, new ArrayList<>(byPair.values()), this.order);
    }

    /**
     * One cycle through the strongly connected set, starting at its first member in domain order, found by
     * breadth-first search back to the start. Reported at the first user-written depends_on edge of the cycle
     * (that is the edge to change), else at the first edge.
     */
    private static void reportCycle(Graph<ResourceAddress, Edge> g, Set<ResourceAddress> scc, Diagnostics diags,
                                    Comparator<ResourceAddress> order) {
        ResourceAddress start = scc.stream().min(order).orElseThrow();
        Map<ResourceAddress, Edge> via = new HashMap<>();
        Deque<ResourceAddress> queue = new ArrayDeque<>();
        queue.add(start);
        Edge closing = null;
        while (!queue.isEmpty() && closing == null) {
            ResourceAddress v = queue.poll();
            List<Edge> out = new ArrayList<>(g.outgoingEdgesOf(v));
            out.sort((a, b) -> order.compare(a.to(), b.to()));
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
