/**
 * The resource graph (JGraphT): vertices are resource instances, edges say "must happen after". Edges come
 * from references, from the domain (node → kernel_params → runtime → k3s_server → k3s_agent; storage_class
 * after the server; pv after its storage_class and its node's k3s) and from {@code depends_on}. Gives a
 * deterministic topological order, parallel levels, cycle diagnostics with each edge's source, and DOT and
 * Mermaid renderings.
 *
 * <p>The only package that imports JGraphT. Depends on {@code resource}, {@code addr}, {@code diag}.
 */
package dev.pictl.graph;
