package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import dev.pictl.plan.PlanRequest;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pictl plan} needs.
 *
 * @param config      the configuration file or directory
 * @param variables   variable inputs (values required)
 * @param statePath   the state file, or null for {@code pictl.state.json} beside the configuration
 * @param simDir      the simulator's state directory to reach nodes through, or null for the real nodes
 * @param plan        mode, targets, replacements
 * @param parallelism how many nodes are connected to and probed at once
 * @param transport   SSH settings (ignored with a simulator, which brings its own key and known_hosts)
 * @param probeTimeout the probe command's time limit on each node
 */
public record PlanRunRequest(Path config, VariableInputs variables, Path statePath, Path simDir, PlanRequest plan,
                             int parallelism, TransportSettings transport, Duration probeTimeout) {
    public PlanRunRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
    }
}
