/**
 * The state file: what pictl last recorded about every resource instance it manages ({@code pictl.state.json},
 * format v1, documented in {@code docs/state.md} and {@code schema/state.schema.json}).
 *
 * <p>Owns the values ({@link dev.pictl.state.State}, {@link dev.pictl.state.ResourceState}), their JSON
 * encoding and upgrade path ({@link dev.pictl.state.StateUpgrader}), crash-safe writing with rolling backups,
 * the OS-level writer lock ({@link dev.pictl.state.StateLock}) and the keyed hash that stands in for secrets
 * ({@link dev.pictl.state.SecretHasher}). Entry point: {@link dev.pictl.state.StateStore}.
 *
 * <p>Depends on {@code addr}, {@code diag} and Jackson only; must not depend on {@code config}, {@code graph},
 * {@code probe}, {@code plan}, {@code apply}, {@code engine}, {@code transport} or {@code cli}. Nothing here
 * prints: problems are {@link dev.pictl.state.StateException}s carrying a diagnostic the CLI renders.
 */
package dev.pictl.state;
