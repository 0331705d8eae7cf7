package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.plan.Differ;
import dev.pictl.plan.ResourceChange;
import dev.pictl.state.PendingReboot;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateRescuedException;
import dev.pictl.state.StateWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes the state after every resource, atomically, under the apply's lock. Serialised: resources finish in
 * parallel. A resource is marked {@code in_progress} before its executor starts and gets its recorded
 * attributes (status {@code ok}) when it succeeds; a failed or interrupted one keeps {@code in_progress}, which
 * tells the next plan to probe it (it always does) and a person that the last apply did not finish it.
 */
final class StateRecorder {
    private final StateWriter lock;
    private State current;

    StateRecorder(StateWriter lock, State current) {
        this.lock = lock;
        this.current = current;
    }

    synchronized State current() {
        return current;
    }

    /**
     * Marks the resource {@code in_progress}, with what it claims while the change runs (from the recorded
     * attributes; {@link ApplyContext#claimed}).
     */
    synchronized void inProgress(ResourceChange c, java.util.function.UnaryOperator<java.util.Map<String, Object>> claim)
            throws StateException {
        ResourceState r = current.resource(c.address()).orElse(ResourceState.of(c.address(), c.node()));
        java.util.Map<String, Object> claimed = claim.apply(r.attributes());
        if (!claimed.equals(r.attributes())) {
            r = r.withAttributes(claimed);
        }
        write(current.withResource(r.withStatus(ResourceStatus.IN_PROGRESS)));
    }

    /**
     * Keeps, on the resource's {@code in_progress} entry, the reboot about to be scheduled for its node
     * ({@link dev.pictl.state.PendingReboot}); the entry loses it when the resource is next recorded.
     */
    synchronized void rebootScheduled(ResourceAddress address, String node, String bootId) throws StateException {
        ResourceState r = current.resource(address).orElse(ResourceState.of(address, node));
        write(current.withResource(r.withReboot(new PendingReboot(Instant.now().truncatedTo(ChronoUnit.SECONDS),
                bootId))));
    }

    synchronized void succeeded(ResourceChange c, Recorded recorded) throws StateException {
        write(current.withResource(entry(c.address(), c.node(), recorded, c)));
    }

    /**
     * A resource that already matches (a no-op) but is not recorded, or recorded otherwise: adopt it without
     * touching a node, recording what its executor would have recorded ({@link Executor#adopted}).
     */
    synchronized void adopt(ResourceChange c, Recorded recorded) throws StateException {
        write(current.withResource(entry(c.address(), c.node(), recorded, c)));
    }

    synchronized void deleted(ResourceAddress address) throws StateException {
        write(current.withoutResource(address));
    }

    private static ResourceState entry(ResourceAddress a, String node, Recorded recorded, ResourceChange c) {
        return ResourceState.of(a, node).withAttributes(recorded.attributes())
                .withSensitiveHashes(recorded.sensitiveHashes()).withDependencies(c.dependencies())
                .withFingerprint(Differ.fingerprint(a, recorded.attributes(), c.sensitive())).withStatus(ResourceStatus.OK);
    }

    private void write(State next) throws StateException {
        try {
            current = lock.write(next);
        } catch (StateRescuedException e) {
            // Saved to a rescue file instead (the database went away): the outcomes still to come land there too.
            current = e.rescued();
            throw e;
        }
    }
}
