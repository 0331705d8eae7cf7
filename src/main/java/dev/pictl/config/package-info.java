/**
 * Loading a cluster description: finds the {@code .hcl} files, parses them ({@code config.hcl}), resolves
 * variables, evaluates expressions into {@link dev.pictl.resource.Value}s (keeping references), decodes blocks
 * against {@link dev.pictl.resource.Schemas} and the resource types' schemas ({@link Catalog}), expands
 * {@code nodes = [...]} blocks into instances, and runs each type's own rules ({@link ResourceBlock}: its check,
 * its name rule, the node an instance is on); the types live in {@code dev.pictl.types.*}. Every problem becomes a diagnostic; nothing is thrown for
 * bad input and nothing touches the network.
 *
 * <p>Depends on {@code resource}, {@code addr}, {@code diag}. Must not depend on {@code graph}, {@code engine}
 * or {@code cli}.
 */
package dev.pictl.config;
