/**
 * The façade the CLI calls: one method per operation, taking a request record and returning a result record.
 * Orchestrates {@code config} and {@code graph} (later probe, plan, apply, state). Never prints; progress goes
 * through hook interfaces the CLI implements.
 */
package dev.pictl.engine;
