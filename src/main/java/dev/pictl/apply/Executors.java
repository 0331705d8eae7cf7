package dev.pictl.apply;

import dev.pictl.plan.ResourceChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The executor of each resource type (made from the registry, {@code types.ResourceTypes}). */
public final class Executors {
    private final Map<String, Executor> byType = new LinkedHashMap<>();

    public Executors(List<Executor> executors) {
        executors.forEach(e -> byType.put(e.type(), e));
    }

    /** What to record for a no-op that is adopted ({@link Executor#adopted}); the default for a type with no executor. */
    public Recorded adopted(ResourceChange change) {
        Executor e = byType.get(change.address().type());
        return e != null ? e.adopted(change) : Executor.described(change);
    }

    /** Every type's {@link Executor#awaitQuorumMember}, after a change took quorum member {@code node} out of service. */
    public void awaitQuorumMember(ResourceChange change, String node, ApplyContext ctx) throws ApplyException {
        for (Executor e : byType.values()) {
            e.awaitQuorumMember(change, node, ctx);
        }
    }

    public Executor of(String type) {
        Executor e = byType.get(type);
        if (e == null) {
            throw new IllegalStateException("no executor for " + type);
        }
        return e;
    }
}
