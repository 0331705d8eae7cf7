package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.drift.DriftReport;
import java.util.Map;

/**
 * The outcome of {@code pictl drift}.
 *
 * @param report      the report, or null when there is none (configuration or state errors: exit 1)
 * @param config      the configuration, or null
 * @param diagnostics errors and warnings of loading the configuration and reading the state (a
 *                    {@link Diagnostics#snapshot}: the record is immutable)
 * @param sources     file texts for source snippets
 */
public record DriftRunResult(DriftReport report, Config config, Diagnostics diagnostics, Map<String, String> sources) {
    public DriftRunResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    /** 1 without a report or with an error, else the report's (precedence 1 &gt; 3 &gt; 2 &gt; 0). */
    public int exitCode() {
        return report == null || diagnostics.hasErrors() ? DriftReport.ERROR : report.exitCode();
    }
}
