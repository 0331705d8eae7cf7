/**
 * Apply: executes a {@link dev.pictl.plan.Plan} exactly — walks its changes in dependency order with bounded
 * parallelism, one {@link dev.pictl.apply.Executor} per resource type doing the node-side work over SSH, the
 * state saved after every resource. Never re-derives the plan from the configuration.
 *
 * <p>Depends on {@code plan}, {@code state}, {@code transport}, {@code config}, {@code resource}, {@code addr},
 * {@code diag}. Never prints: progress goes through {@link dev.pictl.apply.ApplyHook}.
 */
package dev.pictl.apply;
