package dev.pictl.engine;

import dev.pictl.addr.IgnoreRule;
import java.util.List;
import java.util.Objects;

/**
 * What {@code pictl drift} needs.
 *
 * @param run              the description, state, nodes and SSH settings, as for plan (variables need no values:
 *                         drift compares the state with the nodes, and an unknown value is left out of the
 *                         unapplied edits)
 * @param ignore           ignore rules from the command line, added to the description's
 * @param includeUnapplied count description edits not applied yet as drift
 * @param failOnHealth     count health findings as drift (the description's {@code fail_on_health} also turns it on)
 */
public record DriftRunRequest(PlanRunRequest run, List<IgnoreRule> ignore, boolean includeUnapplied,
                              boolean failOnHealth) {
    public DriftRunRequest {
        Objects.requireNonNull(run, "run");
        ignore = List.copyOf(ignore);
    }
}
