/**
 * {@code pictl drift}: changes made outside pictl since the last apply, unreachable nodes, health findings and
 * unapplied description edits, as a {@link dev.pictl.drift.DriftReport} with its exit code, and its JSON
 * ({@code schema/drift.schema.json}). Read-only by construction: it takes a plan, probes and the state as values.
 *
 * <p>Depends on {@code plan}, {@code probe}, {@code state}, {@code config}, {@code resource}, {@code addr}.
 * Never prints.
 */
package dev.pictl.drift;
