/**
 * The resource model: the one definition of each resource type's schema ({@link dev.pictl.resource.Schemas}),
 * from which the validator works and from which {@code schema/} and {@code docs/resources.md} are generated;
 * and the decoded values of resource instances with their source positions.
 *
 * <p>Depends on {@code addr} and {@code diag}; must not depend on {@code config}, {@code graph} or {@code cli}.
 */
package dev.pictl.resource;
