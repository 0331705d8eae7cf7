package dev.pictl.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of commands that reach nodes and read the state. */
public final class NodeOptions {
    @Option(names = "--state", paramLabel = "PATH",
            description = "The state file (default: pictl.state.json beside the configuration).")
    Path state;

    @Option(names = "--sim", paramLabel = "DIR", arity = "0..1", fallbackValue = ".pictl-sim",
            description = "Reach the nodes through the simulated cluster in DIR (default .pictl-sim; also PICTL_SIM_DIR) "
                    + "instead of over the network.")
    Path sim;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
            description = "How many nodes to work on at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Time limit of the probe on each node (default: ${DEFAULT-VALUE}).")
    long probeTimeoutSeconds;

    Path statePath(CliContext ctx) {
        return state == null ? null : ctx.workDir().resolve(state);
    }

    Path simDir(CliContext ctx) {
        if (sim != null) {
            return ctx.workDir().resolve(sim);
        }
        String env = ctx.env().get("PICTL_SIM_DIR");
        return env == null || env.isBlank() ? null : ctx.workDir().resolve(env);
    }
}
