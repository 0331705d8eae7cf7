package dev.pictl.engine;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.Executors;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@code pictl import} needs.
 *
 * @param planRun     the configuration, variables, state and node targets, as for a plan (its mode and targets unused)
 * @param addresses   the instances (or blocks: all their instances) to record, each in the description
 * @param executors   what each type records for a resource that matches (the adoption apply does)
 * @param lockTimeout how long to wait for another run's state lock
 */
public record ImportRunRequest(PlanRunRequest planRun, List<ResourceAddress> addresses, Executors executors,
                               Duration lockTimeout) {
    public ImportRunRequest {
        Objects.requireNonNull(planRun, "planRun");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(executors, "executors");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
    }
}
