/**
 * Probing: what is really on each node, gathered in one command round trip per node (after auth). A probe
 * script built for the node's resources prints sections; the parser turns them into a
 * {@link dev.pictl.probe.NodeObservation}. Nodes are probed in parallel; an unreachable node is an outcome,
 * not an exception.
 *
 * <p>Depends on {@code transport}, {@code addr}, {@code diag} and Jackson (for kubectl's JSON). Never prints.
 */
package dev.pictl.probe;
