/**
 * Probing: what is really on each node, gathered in one command round trip per node (after auth). The script is
 * assembled ({@link dev.pictl.probe.Probe}) from {@link dev.pictl.probe.ProbeFragment}s: the probe's own node-wide
 * ones ({@link dev.pictl.probe.NodeProbe}) and those the resource types bring; it prints sections, and each fragment
 * parses its own into its typed part of the {@link dev.pictl.probe.NodeObservation}. The package knows no resource
 * type. Nodes are probed in parallel; an unreachable node is an outcome,
 * not an exception.
 *
 * <p>Depends on {@code transport}, {@code addr}, {@code diag} and Jackson (for kubectl's JSON). Never prints.
 */
package dev.pictl.probe;
