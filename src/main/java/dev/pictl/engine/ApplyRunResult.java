package dev.pictl.engine;

import dev.pictl.apply.ApplyResult;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.Plan;
import java.util.Map;

/**
 * The outcome of {@code pictl apply}.
 *
 * @param plan        the plan that was (or would have been) applied; null if none could be made
 * @param result      what applying did; null when nothing was applied (errors, no changes, not approved)
 * @param approved    false when the person said no
 * @param diagnostics configuration, state, staleness and plan errors (a {@link Diagnostics#snapshot}: the
 *                    record is immutable)
 * @param sources     file texts for snippets
 */
public record ApplyRunResult(Plan plan, ApplyResult result, boolean approved, Diagnostics diagnostics,
                             Map<String, String> sources) {
    public ApplyRunResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return !diagnostics.hasErrors() && (plan == null || !plan.hasErrors()) && approved
                && (result == null || result.ok());
    }
}
