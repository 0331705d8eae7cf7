package dev.pictl.graph;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.SourceRange;

/**
 * {@code to} happens after {@code from}.
 *
 * @param at  the source that creates the edge (the reference, the depends_on item, or for a domain edge the
 *            attribute or block header that ties the two together)
 * @param why a short phrase for cycle messages and graph output, e.g. {@code "k3s after the runtime"}
 */
public record Edge(ResourceAddress from, ResourceAddress to, EdgeKind kind, SourceRange at, String why) {
    /** A domain edge, as a type gives it ({@link GraphType#domainEdges}). */
    public static Edge domain(ResourceAddress from, ResourceAddress to, SourceRange at, String why) {
        return new Edge(from, to, EdgeKind.DOMAIN, at, why);
    }
}
