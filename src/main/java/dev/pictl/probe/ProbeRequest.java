package dev.pictl.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to gather on one node beyond what every node's probe prints: the asks of the resources on it, each keyed by
 * a name its fragment defines ({@link NodeProbe#KUBE_ASK} on the server, the PV paths on a node with PVs, ...).
 * The resource types say what their resources ask ({@code ResourceType.probeAsks}); the engine merges them per node.
 *
 * @param node the node's name
 * @param asks by ask name, its values in the order asked (empty for a plain switch)
 */
public record ProbeRequest(String node, Map<String, List<String>> asks) {
    public ProbeRequest {
        Objects.requireNonNull(node, "node");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        asks.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "ask"), List.copyOf(v)));
        asks = java.util.Collections.unmodifiableMap(copy);
    }

    /** Nothing beyond what every node gets. */
    public static ProbeRequest of(String node) {
        return new ProbeRequest(node, Map.of());
    }

    /** This request and the ask {@code name} with {@code values} appended to what it had. */
    public ProbeRequest with(String name, List<String> values) {
        Map<String, List<String>> next = new LinkedHashMap<>(asks);
        List<String> all = new ArrayList<>(next.getOrDefault(name, List.of()));
        all.addAll(values);
        next.put(name, all);
        return new ProbeRequest(node, next);
    }

    /** This request and the ask {@code name}, a switch (or with one value more). */
    public ProbeRequest with(String name, String... values) {
        return with(name, List.of(values));
    }

    /** This request and every ask of {@code other} (for the same node). */
    public ProbeRequest merge(ProbeRequest other) {
        if (!other.node.equals(node)) {
            throw new IllegalArgumentException("probe asks for " + other.node + " merged into " + node);
        }
        ProbeRequest out = this;
        for (Map.Entry<String, List<String>> e : other.asks.entrySet()) {
            out = out.with(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Whether this node was asked for {@code name}. */
    public boolean asked(String name) {
        return asks.containsKey(name);
    }

    /** The values asked for under {@code name}; empty when not asked. */
    public List<String> values(String name) {
        return asks.getOrDefault(name, List.of());
    }
}
