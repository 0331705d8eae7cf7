package dev.pictl.plan.kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The planner's view of every resource type, by name (made from the registry, {@code types.ResourceTypes}). */
public final class Kinds {
    private final Map<String, Kind> byType = new LinkedHashMap<>();

    public Kinds(List<Kind> kinds) {
        kinds.forEach(k -> byType.put(k.type(), k));
    }

    /** The kind of a type this pictl knows; an unknown type here is a bug (the state and plan readers refuse them). */
    public Kind of(String type) {
        Kind k = byType.get(type);
        if (k == null) {
            throw new IllegalStateException("no resource type " + type);
        }
        return k;
    }
}
