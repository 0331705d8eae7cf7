package dev.pictl.cli;

import dev.pictl.engine.TargetResolver;
import dev.pictl.simbridge.SimulatorDir;
import dev.pictl.simbridge.SimulatorTargets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --sim} and {@code --sim=DIR}: reach the nodes through the built-in simulated cluster instead of the
 * network. A bare {@code --sim} is a flag that never takes the next argument ({@code pictl apply --sim up.plan}
 * applies up.plan on the simulator); the directory comes only attached, as {@code --sim=DIR}, or from
 * {@code PICTL_SIM_DIR}, else it is {@code .pictl-sim} beside the configuration ({@link SimulatorDir}). picocli
 * cannot tell {@code --sim=DIR} from {@code --sim DIR} for an option with an optional value, so
 * {@link #attached} rewrites the attached form to the hidden {@code --sim-dir=DIR} before parsing.
 */
public final class SimOptions {
    static final String HIDDEN = "--sim-dir";

    @Option(names = "--sim", description = "Reach the nodes through the simulated cluster instead of over the network: "
            + "the one in DIR with --sim=DIR (also PICTL_SIM_DIR), else in .pictl-sim beside the configuration.")
    boolean sim;

    @Option(names = HIDDEN, hidden = true, paramLabel = "DIR", converter = DirConverter.class)
    Path dir;

    /** An empty {@code --sim=} is an error, never "no simulator" (which would reach the real addresses). */
    static final class DirConverter implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                throw new CommandLine.TypeConversionException("expected --sim=DIR, the simulator's state directory, "
                        + "or a bare --sim for " + SimulatorDir.DEFAULT_NAME + " beside the configuration");
            }
            return Path.of(value);
        }
    }

    /**
     * The simulator's state directory, or null (the real nodes): --sim=DIR, else PICTL_SIM_DIR (with or without
     * a bare --sim), else with --sim the directory beside {@code configPath}.
     */
    Path simDir(CliContext ctx, Path configPath) {
        if (dir != null) {
            return ctx.workDir().resolve(dir);
        }
        String env = ctx.env().get("PICTL_SIM_DIR");
        if (env != null && !env.isBlank()) {
            return ctx.workDir().resolve(env);
        }
        return sim ? SimulatorDir.beside(configPath) : null;
    }

    /**
     * Where the engine reaches the nodes: the simulator of {@link #simDir} when there is one, else the description's
     * own addresses. The CLI is where this is chosen; the engine only sees the {@link TargetResolver}.
     */
    TargetResolver targets(CliContext ctx, Path configPath) {
        return targets(simDir(ctx, configPath));
    }

    /** The simulator in {@code simDir}, or the description's own addresses when it is null. */
    static TargetResolver targets(Path simDir) {
        return simDir == null ? TargetResolver.description() : SimulatorTargets.at(simDir);
    }

    /**
     * What a command pictl suggests needs to reach the same simulator: {@code ""} without one, {@code " --sim"}
     * for the directory beside the configuration, else {@code " --sim=DIR"} with DIR as the user gave it (it is
     * run from the same working directory).
     */
    String flag(CliContext ctx, Path configPath) {
        Path resolved = simDir(ctx, configPath);
        if (resolved == null) {
            return "";
        }
        String given = dir != null ? dir.toString() : ctx.env().get("PICTL_SIM_DIR");
        return given == null || resolved.toAbsolutePath().normalize().equals(SimulatorDir.beside(configPath))
                ? " --sim" : " --sim=" + KubeconfigCommand.shellWord(given);
    }

    private static final Pattern SUGGESTED = Pattern.compile("\\bpictl (apply|plan|drift|kubeconfig)\\b(?! --sim)");

    /**
     * {@code text} from a layer that does not know how pictl was called (an apply step's hint), with {@code flag}
     * after every {@code pictl apply|plan|drift|kubeconfig} it suggests.
     */
    static String suggesting(String text, String flag) {
        if (flag.isEmpty() || text == null) {
            return text;
        }
        return SUGGESTED.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group() + flag));
    }

    /** The arguments with every {@code --sim=DIR} before a {@code --} as {@code --sim-dir=DIR}. */
    static String[] attached(String[] args) {
        List<String> out = new ArrayList<>(args.length);
        boolean options = true;
        for (String a : args) {
            if (a.equals("--")) {
                options = false;
            }
            // "--sim=" too: picocli would read it as "--sim false" and reach the real nodes
            out.add(options && a.startsWith("--sim=") ? HIDDEN + a.substring("--sim".length()) : a);
        }
        return out.toArray(String[]::new);
    }
}
