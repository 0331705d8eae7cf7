/**
 * The plan as data: desired (the description) against prior (what probing found now), and prev-run (the
 * state file) against prior for drift. {@link dev.pictl.plan.Differ} builds a {@link dev.pictl.plan.Plan}
 * from a configuration, observations and the state; renderers turn it into text or JSON; apply executes
 * exactly the plan it is given. {@link dev.pictl.plan.Action} says what, {@link dev.pictl.plan.ActionReason}
 * says why (for people only).
 *
 * <p>Depends on {@code config}, {@code graph}, {@code probe}, {@code state}, {@code resource}, {@code addr},
 * {@code diag}. Never prints.
 */
package dev.pictl.plan;
