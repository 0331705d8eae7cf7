/**
 * The planner's contract with resource types: {@link dev.pictl.plan.kind.Kind} (desired attributes in canonical
 * form, what a probe observation says, the type's own diff rules), what a kind may consult while planning
 * ({@link dev.pictl.plan.kind.PlanContext}), and the shared helpers kinds use (canonical values, masking of
 * sensitive values, the config.yaml subset). The kinds themselves live with their types in {@code dev.pictl.types}.
 */
package dev.pictl.plan.kind;
