package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.Plan;
import java.util.Map;

/**
 * The outcome of {@code pictl plan}.
 *
 * @param plan        the plan, or null when it could not be made (configuration or state errors)
 * @param config      the configuration, or null
 * @param diagnostics errors and warnings of loading the configuration and the state (the plan's own are in it);
 *                    a {@link Diagnostics#snapshot}: the record is immutable
 * @param sources     file texts for source snippets
 */
public record PlanRunResult(Plan plan, Config config, Diagnostics diagnostics, Map<String, String> sources) {
    public PlanRunResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return plan != null && !diagnostics.hasErrors() && !plan.hasErrors();
    }
}
