package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import dev.pictl.plan.PlanRequest;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@code pictl plan} needs.
 *
 * @param config      the configuration file or directory
 * @param variables   variable inputs (values required)
 * @param statePath   the state file, or null for {@code pictl.state.json} beside the configuration
 * @param targets     where the nodes are reached ({@link TargetResolver}); null for the description's own addresses
 * @param plan        mode, targets, replacements
 * @param parallelism how many nodes are connected to and probed at once
 * @param transport   SSH settings (the resolver may replace them: a simulator brings its own key and known_hosts)
 * @param probeTimeout the probe command's time limit on each node
 * @param rebootTimeout how long to wait for a board found in its reboot window (see {@link RebootWait}); null:
 *                      never wait (drift)
 * @param notices      where the one line per waited-for board goes ({@code pi-2: rebooting (...); waiting up to
 *                     600 s})
 * @param env          the environment the state's PostgreSQL settings come from ({@code PGPASSWORD}, {@code PGUSER},
 *                     {@code PGPASSFILE}, {@code HOME}); a copy
 */
public record PlanRunRequest(Path config, VariableInputs variables, Path statePath, TargetResolver targets,
                             PlanRequest plan, int parallelism, TransportSettings transport, Duration probeTimeout,
                             Duration rebootTimeout, Consumer<String> notices, Map<String, String> env) {
    public PlanRunRequest {
        env = env == null ? Map.of() : Map.copyOf(env);
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        targets = targets == null ? TargetResolver.description() : targets;
        notices = notices == null ? line -> { } : notices;
    }

    /** Without an environment of its own: the state's PostgreSQL settings come from this process's. */
    public PlanRunRequest(Path config, VariableInputs variables, Path statePath, TargetResolver targets,
                          PlanRequest plan, int parallelism, TransportSettings transport, Duration probeTimeout,
                          Duration rebootTimeout, Consumer<String> notices) {
        this(config, variables, statePath, targets, plan, parallelism, transport, probeTimeout, rebootTimeout, notices,
                System.getenv());
    }

    /** A request that never waits for a rebooting board and prints nothing while probing. */
    public PlanRunRequest(Path config, VariableInputs variables, Path statePath, TargetResolver targets,
                          PlanRequest plan, int parallelism, TransportSettings transport, Duration probeTimeout) {
        this(config, variables, statePath, targets, plan, parallelism, transport, probeTimeout, null, null);
    }

    /** The same request, never waiting for a rebooting board. */
    public PlanRunRequest withoutRebootWait() {
        return new PlanRunRequest(config, variables, statePath, targets, plan, parallelism, transport, probeTimeout,
                null, notices, env);
    }
}
