package dev.pictl.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the result records share. */
final class Results {
    private Results() {
    }

    /** An unmodifiable copy of a file-name → text map, in its order. */
    static Map<String, String> frozen(Map<String, String> sources) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }
}
