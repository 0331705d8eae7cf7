package dev.pictl.cli;

import dev.pictl.engine.TargetResolver;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of commands that reach nodes and read the state (--sim among them). */
public final class NodeOptions {
    @Option(names = "--state", paramLabel = "PATH",
            description = "The state file (default: pictl.state.json beside the configuration).")
    Path state;

    @Mixin
    SimOptions sim;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "10",
            description = "How many nodes to work on at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Time limit of the probe on each node (default: ${DEFAULT-VALUE}).")
    long probeTimeoutSeconds;

    /** Refuses an out-of-range value as a usage error of {@code spec}'s command. */
    void checkRanges(picocli.CommandLine.Model.CommandSpec spec) {
        OptionRanges.require(spec, "--parallelism", parallelism, 1, OptionRanges.MAX_PARALLELISM, "");
        OptionRanges.seconds(spec, "--probe-timeout", probeTimeoutSeconds);
    }

    Path statePath(CliContext ctx) {
        return state == null ? null : ctx.workDir().resolve(state);
    }

    /** Where the nodes are reached: {@code --sim}'s simulator, else the description's addresses. */
    TargetResolver targets(CliContext ctx, Path configPath) {
        return sim.targets(ctx, configPath);
    }
}
