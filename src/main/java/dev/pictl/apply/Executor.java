package dev.pictl.apply;

import dev.pictl.plan.ResourceChange;
import dev.pictl.state.SecretHasher;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * What to record for a resource that already matches the description but that the state does not know (or
     * knows differently): a no-op the walker adopts without touching a node. It must be what {@link #apply} would
     * have recorded, so that an apply killed between a change and its state write leaves, after the next apply,
     * the same state as an uninterrupted one. By default the described attributes, sensitive ones as their keyed
     * hashes; an executor that records more than the description overrides it (from {@code change.before()}).
     */
    default Recorded adopted(ResourceChange change) {
        return described(change);
    }

    /**
     * The described attributes of {@code change}, sensitive ones as their keyed hashes (a sensitive value in clear,
     * as {@link ApplyContext} reveals it to executors, stays for the walker, which hashes it before it is recorded).
     */
    static Recorded described(ResourceChange change) {
        Map<String, Object> attrs = new LinkedHashMap<>(change.after());
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String k : change.sensitive()) {
            if (attrs.get(k) instanceof String h && h.startsWith(SecretHasher.PREFIX)) {
                attrs.remove(k);
                hashes.put(k, h);
            }
        }
        return new Recorded(attrs, hashes);
    }

    /**
     * Whether applying the change takes a node that is in the cluster out of service by itself (a k3s upgrade
     * restarts a running server or agent), so that it counts against {@code max_unavailable} like a drained reboot.
     * Reboots are counted by the walker from the change's {@code reboot} and {@code drain} flags.
     */
    default boolean takesNodeOutOfService(ResourceChange change) {
        return false;
    }

    /**
     * For the type whose nodes hold the cluster's datastore in a quorum (the k3s server of several, with embedded
     * etcd): after {@code change}, of any type, took quorum member {@code node} out of service and it is back, waits
     * until the node's member is healthy again, so that the walker frees the member's turn only then. Nothing by
     * default.
     */
    default void awaitQuorumMember(ResourceChange change, String node, ApplyContext ctx) throws ApplyException {
    }

    /**
     * Makes the change's edit that takes effect only at the next boot, without rebooting, because another change
     * reboots the same node first in this apply (kernel_params and boot_config on one board): the board then boots
     * once, and this change, run after it, finds its edit in effect and does not reboot again. Returns whether it
     * edited anything. By default it does nothing, and the change keeps its own reboot.
     */
    default boolean prepareForReboot(ResourceChange change, ApplyContext ctx) throws ApplyException {
        return false;
    }

    /** Deletes the resource ({@code change.before()} is what it was). */
    void delete(ResourceChange change, ApplyContext ctx) throws ApplyException;
}
