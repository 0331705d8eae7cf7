package dev.pictl.graph;

/** Why one resource must come after another. */
public enum EdgeKind {
    /** The later resource refers to the earlier one ({@code server = k3s_server.control}). */
    REFERENCE,
    /** The domain orders them (kernel parameters before the runtime before k3s on the same node). */
    DOMAIN,
    /** The user asked for it with {@code depends_on}. */
    DEPENDS_ON
}
