package dev.pictl.engine;

import dev.pictl.diag.Diagnostics;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@code pictl import}.
 *
 * @param imported    the state entries recorded, in the order asked (empty when anything failed: all or nothing)
 * @param diagnostics configuration, state, probe and refusal errors
 * @param sources     file texts for snippets
 */
public record ImportRunResult(List<ResourceState> imported, Diagnostics diagnostics, Map<String, String> sources) {
    public ImportRunResult {
        imported = List.copyOf(imported);
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return !diagnostics.hasErrors();
    }
}
