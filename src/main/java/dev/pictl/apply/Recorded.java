package dev.pictl.apply;

import java.util.Map;

/**
 * What the state records for a resource after it was applied: its canonical attributes and the keyed hashes
 * of its sensitive ones (never the secrets).
 */
public record Recorded(Map<String, Object> attributes, Map<String, String> sensitiveHashes) {
    public Recorded {
        attributes = Map.copyOf(attributes);
        sensitiveHashes = Map.copyOf(sensitiveHashes);
    }

    public static Recorded of(Map<String, Object> attributes) {
        return new Recorded(attributes, Map.of());
    }
}
