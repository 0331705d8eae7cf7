package dev.pictl.probe;

import java.util.List;
import java.util.Objects;

/**
 * What to gather on one node beyond the facts every node gets.
 *
 * @param node     the node's name
 * @param server   whether this node runs the k3s server (then kubectl objects are read too)
 * @param pvPaths  PV directories on this node to check (absolute, unprefixed)
 */
public record ProbeRequest(String node, boolean server, List<String> pvPaths) {
    public ProbeRequest {
        Objects.requireNonNull(node, "node");
        pvPaths = List.copyOf(pvPaths);
    }
}
