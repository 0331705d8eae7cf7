package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diagnose.DiagnoseReport;
import java.util.Map;

/**
 * The outcome of {@code pictl diagnose}.
 *
 * @param report      the findings, or null when there is none (configuration errors, an unknown node: exit 1)
 * @param config      the configuration, or null
 * @param diagnostics errors and warnings of loading the configuration and resolving the nodes
 * @param sources     file texts for source snippets
 */
public record DiagnoseRunResult(DiagnoseReport report, Config config, Diagnostics diagnostics, Map<String, String> sources) {
    public DiagnoseRunResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    /** 1 without a report or with an error, else 0 (healthy) or 2 (found something). */
    public int exitCode() {
        return report == null || diagnostics.hasErrors() ? 1 : report.exitCode();
    }
}
