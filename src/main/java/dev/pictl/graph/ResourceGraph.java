package dev.pictl.graph;

import dev.pictl.addr.ResourceAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An acyclic resource graph with a deterministic order. Immutable once built; safe to share.
 *
 * <p>Order: Kahn's algorithm where, among resources whose dependencies are done, the one earliest in
 * {@link #order()} goes first (domain order of types, the registry's, then address). Levels: a resource's level is one more than
 * the highest level among its dependencies; everything in one level can run in parallel.
 */
public final class ResourceGraph {
    /** Deterministic tie-break: the types in {@code typeOrder} (unknown ones after them), then the address. */
    public static Comparator<ResourceAddress> order(List<String> typeOrder) {
        List<String> types = List.copyOf(typeOrder);
        return Comparator
                .comparingInt((ResourceAddress a) -> {
                    int i = types.indexOf(a.type());
                    return i < 0 ? types.size() : i;
                })
                .thenComparing(Comparator.naturalOrder());
    }

    private final List<ResourceAddress> order;
    private final List<Edge> edges;
    private final Map<ResourceAddress, Integer> level;
    private final Comparator<ResourceAddress> tieBreak;

    ResourceGraph(List<ResourceAddress> order, List<Edge> edges, Comparator<ResourceAddress> tieBreak) {
        this.order = List.copyOf(order);
        this.tieBreak = tieBreak;
        List<Edge> sorted = new ArrayList<>(edges);
        sorted.sort(Comparator.comparing(Edge::from, tieBreak).thenComparing(Edge::to, tieBreak));
        this.edges = List.copyOf(sorted);
        Map<ResourceAddress, Integer> lv = new HashMap<>();
        Map<ResourceAddress, List<ResourceAddress>> preds = new HashMap<>();
        for (Edge e : edges) {
            preds.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e.from());
        }
        for (ResourceAddress a : order) {
            int l = 0;
            for (ResourceAddress p : preds.getOrDefault(a, List.of())) {
                l = Math.max(l, lv.get(p) + 1);
            }
            lv.put(a, l);
        }
        this.level = Collections.unmodifiableMap(lv);
    }

    /** The deterministic tie-break the graph was built with: the types' domain order, then the address. */
    public Comparator<ResourceAddress> order() {
        return tieBreak;
    }

    /** Every resource, dependencies before dependents. */
    public List<ResourceAddress> topologicalOrder() {
        return order;
    }

    /** Edges sorted by source then target. */
    public List<Edge> edges() {
        return edges;
    }

    /** Resources grouped by level: every resource of a level depends only on earlier levels. */
    public List<List<ResourceAddress>> levels() {
        List<List<ResourceAddress>> out = new ArrayList<>();
        for (ResourceAddress a : order) {
            int l = level.get(a);
            while (out.size() <= l) {
                out.add(new ArrayList<>());
            }
            out.get(l).add(a);
        }
        out.forEach(l -> l.sort(tieBreak));
        return out.stream().map(List::copyOf).toList();
    }

    /** The direct dependencies of a resource. */
    public Set<ResourceAddress> dependencies(ResourceAddress a) {
        Set<ResourceAddress> out = new TreeSet<>(tieBreak);
        edges.stream().filter(e -> e.to().equals(a)).forEach(e -> out.add(e.from()));
        return out;
    }

    /** The direct dependents of a resource. */
    public Set<ResourceAddress> dependents(ResourceAddress a) {
        Set<ResourceAddress> out = new TreeSet<>(tieBreak);
        edges.stream().filter(e -> e.from().equals(a)).forEach(e -> out.add(e.to()));
        return out;
    }
}
