package dev.pictl.apply;

import dev.pictl.plan.ResourceChange;

/**
 * Performs one resource type's planned changes on the nodes. Every action is idempotent: run again after an
 * interruption it converges instead of failing or doing the work twice.
 *
 * <p>{@code change.after()} holds the desired canonical attributes (as the plan's kinds made them; sensitive
 * ones are absent or hashes: take secrets from {@link ApplyContext#secret}). {@code change.before()} holds what
 * the probe saw.
 */
public interface Executor {
    String type();

    /**
     * Creates, updates or replaces the resource so that it matches {@code change.after()}.
     *
     * @return what to record in the state for it
     * @throws ApplyException naming node, step and what failed (the message reads
     *         {@code pi-worker-1: install k3s agent: command exited 1: <stderr tail>})
     */
    Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException;

    /** Deletes the resource ({@code change.before()} is what it was). */
    void delete(ResourceChange change, ApplyContext ctx) throws ApplyException;
}
