package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.ResourceGraph;
import java.util.Map;

/**
 * The outcome of validation.
 *
 * @param config      the decoded configuration, or null when it could not be decoded (syntax errors)
 * @param graph       the resource graph, or null when there were errors
 * @param diagnostics every problem found (a {@link Diagnostics#snapshot}: the record is immutable)
 * @param sources     file name → text, for rendering source snippets
 */
public record ValidateResult(Config config, ResourceGraph graph, Diagnostics diagnostics, Map<String, String> sources) {
    public ValidateResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return !diagnostics.hasErrors() && graph != null;
    }
}
