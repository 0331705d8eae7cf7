/**
 * Loading a cluster description: finds the {@code .hcl} files, parses them ({@code config.hcl}), resolves
 * variables, evaluates expressions into {@link dev.pictl.resource.Value}s (keeping references), decodes blocks
 * against {@link dev.pictl.resource.Schemas}, expands {@code nodes = [...]} blocks into instances, and checks
 * the cluster rules and the kernel-parameter lint. Every problem becomes a diagnostic; nothing is thrown for
 * bad input and nothing touches the network.
 *
 * <p>Depends on {@code resource}, {@code addr}, {@code diag}. Must not depend on {@code graph}, {@code engine}
 * or {@code cli}.
 */
package dev.pictl.config;
