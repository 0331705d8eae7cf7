package dev.pictl.plan.kind;

import dev.pictl.config.Config;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The planner's view of every resource type, by name (made from the registry, {@code types.ResourceTypes}). */
public final class Kinds {
    private final Map<String, Kind> byType = new LinkedHashMap<>();
    private final Function<Config, Optional<ClusterEndpoint>> endpoint;

    /** Kinds without a cluster: no type runs an API server. */
    public Kinds(List<Kind> kinds) {
        this(kinds, config -> Optional.empty());
    }

    /** @param endpoint how a description's cluster is reached (the registry's {@code endpoint}) */
    public Kinds(List<Kind> kinds, Function<Config, Optional<ClusterEndpoint>> endpoint) {
        kinds.forEach(k -> byType.put(k.type(), k));
        this.endpoint = endpoint;
    }

    /** How the description's cluster is reached, if one of its types runs the API server. */
    public Optional<ClusterEndpoint> endpoint(Config config) {
        return config == null ? Optional.empty() : endpoint.apply(config);
    }

    /** Every kind, in the registry's order. */
    public java.util.Collection<Kind> all() {
        return java.util.Collections.unmodifiableCollection(byType.values());
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
