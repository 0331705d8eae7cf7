package dev.pictl.plan;

/**
 * One attribute that differs. Values are canonical JSON-like values (String, Long, Boolean, List, Map) or null
 * for "not set"; a sensitive attribute's values are keyed hashes, never the secret, and render as
 * {@code (sensitive value)}.
 */
public record AttributeChange(String name, Object before, Object after, boolean forcesReplacement, boolean sensitive) {
}
