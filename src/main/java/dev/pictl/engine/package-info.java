/**
 * The façade the CLI calls: one method per operation, taking a request record and returning an immutable result
 * record. Orchestrates {@code config} and {@code graph} (later probe, plan, apply, state). Nodes are reached through
 * the {@link dev.pictl.engine.TargetResolver} a request carries, which the caller chooses: the engine knows no
 * simulator. Never prints; progress goes through hook interfaces the CLI implements.
 */
package dev.pictl.engine;
