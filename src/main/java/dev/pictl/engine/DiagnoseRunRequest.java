package dev.pictl.engine;

import java.util.List;
import java.util.Objects;

/**
 * What {@code pictl diagnose} needs.
 *
 * @param run   the description, nodes and SSH settings, as for plan (variables need no values; the state is never read)
 * @param nodes the nodes to diagnose, by name; empty for every node of the description
 */
public record DiagnoseRunRequest(PlanRunRequest run, List<String> nodes) {
    public DiagnoseRunRequest {
        Objects.requireNonNull(run, "run");
        nodes = List.copyOf(nodes);
    }
}
