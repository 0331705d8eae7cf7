package dev.pictl.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --sim [DIR]}: reach the nodes through the built-in simulated cluster instead of the network. */
public final class SimOptions {
    @Option(names = "--sim", paramLabel = "DIR", arity = "0..1", fallbackValue = ".pictl-sim",
            description = "Reach the nodes through the simulated cluster in DIR (default .pictl-sim; also PICTL_SIM_DIR) "
                    + "instead of over the network.")
    Path sim;

    /** The simulator's state directory: --sim, else PICTL_SIM_DIR, else null (the real nodes). */
    Path simDir(CliContext ctx) {
        if (sim != null) {
            return ctx.workDir().resolve(sim);
        }
        String env = ctx.env().get("PICTL_SIM_DIR");
        return env == null || env.isBlank() ? null : ctx.workDir().resolve(env);
    }
}
