/**
 * The resource graph (JGraphT): vertices are resource instances, edges say "must happen after". Edges come
 * from references, from the domain (each resource type's own, {@link dev.pictl.graph.GraphType#domainEdges}:
 * kernel_params → runtime → k3s on a node; storage_class after the server; pv after its node's k3s) and from
 * {@code depends_on}; ties are broken by the types' order, the registry's. Gives a
 * deterministic topological order, parallel levels, cycle diagnostics with each edge's source, and DOT and
 * Mermaid renderings.
 *
 * <p>The only package that imports JGraphT. Depends on {@code resource}, {@code addr}, {@code diag}.
 */
package dev.pictl.graph;
