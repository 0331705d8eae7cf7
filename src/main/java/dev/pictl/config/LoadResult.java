package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What loading produced: the configuration (null when there were errors that stop decoding, such as syntax
 * errors), every diagnostic, and the text of each file read (for source snippets even when loading failed).
 * Immutable: its diagnostics are a {@link Diagnostics#snapshot}.
 */
public record LoadResult(Config config, Diagnostics diagnostics, Map<String, String> sources) {
    public LoadResult {
        diagnostics = diagnostics.snapshot();
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    public boolean ok() {
        return config != null && !diagnostics.hasErrors();
    }
}
