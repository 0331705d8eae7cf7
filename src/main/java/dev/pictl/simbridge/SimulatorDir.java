package dev.pictl.simbridge;

import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Severity;
import dev.pictl.nodetext.Shell;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a simulator's state directory is, whether its fleet is the one answering on its boards' addresses, and how
 * a command pictl suggests names it. Every command that reaches nodes finds the directory the same way:
 *
 * <pre>
 * --sim=DIR              DIR, from the working directory
 * PICTL_SIM_DIR=DIR      the same, with a bare --sim or without one
 * --sim                  .pictl-sim beside the configuration (the -c directory, a -c file's directory, else the
 *                        working directory), where the state is found too; pictl sim start -c CONFIG puts it there
 * </pre>
 *
 * A bare {@code --sim} never takes the next argument, and every command pictl suggests under a simulator carries
 * {@link #flag}: a suggestion never leads from the simulator to the description's real addresses.
 */
public final class SimulatorDir {
    /** The name of the default state directory, beside the configuration. */
    public static final String DEFAULT_NAME = ".pictl-sim";

    private SimulatorDir() {
    }

    /**
     * The default state directory for the configuration {@code config} (a directory or a .hcl file): beside it, as
     * {@code StateStore.defaultPath} puts the state. Absolute.
     */
    public static Path beside(Path config) {
        Path abs = config.toAbsolutePath().normalize();
        boolean file = Files.isRegularFile(abs) || (!Files.isDirectory(abs) && abs.getFileName() != null
                && abs.getFileName().toString().endsWith(".hcl"));
        Path dir = file && abs.getParent() != null ? abs.getParent() : abs;
        return dir.resolve(DEFAULT_NAME);
    }

    /**
     * What a suggested {@code pictl apply|plan|drift|kubeconfig} needs to reach the same simulator, with a leading
     * space: {@code ""} without one, {@code " --sim"} for the directory beside {@code config}, else
     * {@code " --sim=DIR"} (DIR as given, quoted for a POSIX shell when needed).
     */
    public static String flag(Path simDir, Path config) {
        if (simDir == null) {
            return "";
        }
        if (config != null && simDir.toAbsolutePath().normalize().equals(beside(config))) {
            return " --sim";
        }
        return " --sim=" + shellWord(simDir.toString());
    }

    /**
     * The command that starts the simulator of {@code dir} for the description at {@code config} as it was: the
     * description, the directory when it is not the default, and the first board's address and port when they
     * are not the defaults.
     */
    static String startCommand(Path dir, Path config, ClusterSpec spec) {
        StringBuilder b = new StringBuilder("pictl sim start -c ").append(shellWord(display(config)));
        if (!dir.toAbsolutePath().normalize().equals(beside(config))) {
            b.append(" --dir ").append(shellWord(dir.toString()));
        }
        if (spec != null && !spec.nodes().isEmpty()) {
            NodeSpec first = spec.nodes().get(0);
            if (!first.address().equals(SimulatorSpec.FIRST_ADDRESS)) {
                b.append(" --first-address ").append(first.address());
            }
            if (first.port() != SimulatorSpec.PORT) {
                b.append(" --port ").append(first.port());
            }
        }
        return b.toString();
    }

    /**
     * Null when the fleet of {@code dir} runs (its control port answers with this directory's key); else the one
     * error to show before any board is contacted: it is stopped, or it is stopped and something else (another
     * simulator, from another directory) listens on its boards' addresses, whose host keys are not the ones this
     * directory's known_hosts holds.
     */
    static Diagnostic notRunning(Path dir, Path config, ClusterSpec spec) {
        if (SimControl.answers(dir)) {
            return null;
        }
        String start = startCommand(dir, config, spec);
        Optional<NodeSpec> taken = SimControl.occupied(spec);
        if (taken.isEmpty()) {
            return new Diagnostic(Severity.ERROR, "the simulator in " + dir + " is not running",
                    "No board was contacted. Start it with '" + start + "' (its boards keep their files).", null);
        }
        NodeSpec b = taken.get();
        return new Diagnostic(Severity.ERROR, "the simulator in " + dir + " is not running, and something else "
                + "answers on its addresses",
                b.name() + "'s address " + b.address() + ":" + b.port() + " is taken, most likely by a simulator "
                        + "started from another directory. It is not the fleet " + dir.resolve("known_hosts")
                        + " was written for, so no board was contacted. Use the simulator that runs there "
                        + "(--sim=ITS_DIR, or the -c of its description), or stop it ('pictl sim stop --dir ITS_DIR') "
                        + "and start this one: '" + start + "'; or start this one elsewhere (add --first-address "
                        + "127.0.2.10 or --port 2223).", null);
    }

    static String display(Path config) {
        String s = config.toString();
        return s.isEmpty() ? "." : s;
    }

    /** The word as a POSIX shell reads it back: bare when safe, else single-quoted. */
    static String shellWord(String s) {
        return Shell.shown(s);
    }
}
