package dev.pictl.sim;

/** How an unreachable node looks from the network. */
public enum Unreachable {
    /** Nothing listens: connecting fails with "connection refused" at once. */
    REFUSED,
    /** The TCP connection is accepted but nothing is ever said (the SSH banner never comes): a timeout. */
    SILENT
}
