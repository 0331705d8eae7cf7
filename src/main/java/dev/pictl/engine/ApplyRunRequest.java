package dev.pictl.engine;

import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Executors;
import dev.pictl.plan.Plan;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code pictl apply} needs.
 *
 * @param planRun   the plan options (configuration, variables, state, node targets, mode, --target, transport)
 * @param planFile  a saved plan to execute exactly, or null to plan now and ask
 * @param options   walker and executor options
 * @param executors the executor of each resource type
 * @param approver  shows a fresh plan and says whether to go on (not asked for a saved plan)
 * @param hook      progress
 * @param cancelled set (e.g. by Ctrl-C) to stop starting new work
 */
public record ApplyRunRequest(PlanRunRequest planRun, Path planFile, ApplyOptions options, Executors executors,
                              Approver approver, ApplyHook hook, AtomicBoolean cancelled) {
    public ApplyRunRequest {
        Objects.requireNonNull(planRun, "planRun");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(executors, "executors");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(cancelled, "cancelled");
    }

    /** Shows the plan (its warnings first) and decides. */
    @FunctionalInterface
    public interface Approver {
        /**
         * @param sources the configuration's files by name, for the warnings' source excerpts
         */
        boolean approve(Plan plan, java.util.Map<String, String> sources);
    }
}
