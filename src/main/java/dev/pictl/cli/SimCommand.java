package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Suggest;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimControl;
import dev.pictl.simbridge.SimulatorDir;
import dev.pictl.simbridge.SimulatorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pictl sim start | stop | status | exec | fault | events}: the built-in simulated Pi fleet
 * ({@code docs/simulator.md}), run as a background process whose state lives in a directory
 * ({@code .pictl-sim} by default) so that it survives between pictl invocations. Thin wrappers around
 * {@link SimControl}; turning a description into boards is {@link SimulatorSpec}'s job.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Run a simulated Raspberry Pi fleet on this machine (no hardware, no root): every board is a "
                + "real SSH server on a loopback address, with a per-board filesystem and stand-ins for the Pi and k3s "
                + "tools. See docs/simulator.md."},
        subcommands = {SimCommand.Start.class, SimCommand.Stop.class, SimCommand.Status.class, SimCommand.Exec.class,
                SimCommand.Fault.class, SimCommand.Events.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (not running, unknown node, a failed command, bad usage)"})
final class SimCommand implements Callable<Integer> {
    static final String DEFAULT_DIR = SimulatorDir.DEFAULT_NAME;

    @Spec
    CommandSpec spec;

    private final CliContext ctx;

    SimCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        ctx.err().flush();
        return ExitCode.ERROR;
    }

    /**
     * {@code --dir}, shared by every subcommand. Without it the directory is {@code .pictl-sim} beside the
     * configuration ({@code -c}, else the current directory), where {@code --sim} and the state are found too.
     */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "The simulator's state directory (default: " + DEFAULT_DIR + " beside the configuration "
                        + "given with -c, else in the current directory).")
        Path dir;

        /** {@code config}: the -c value as given, or null. */
        Path resolve(CliContext ctx, Path config) {
            return dir != null ? ctx.workDir().resolve(dir).toAbsolutePath().normalize()
                    : SimulatorDir.beside(config == null ? ctx.workDir() : ctx.workDir().resolve(config));
        }

        /** " --dir DIR" or " -c CONFIG" as given, for the commands pictl suggests; "" for the default. */
        String flag(CliContext ctx, Path config) {
            return dir != null ? " --dir " + KubeconfigCommand.shellWord(resolve(ctx, config).toString())
                    : config != null ? " -c " + KubeconfigCommand.shellWord(config.toString()) : "";
        }
    }

    /** {@code -c} of the subcommands other than start: it only says where the state directory is. */
    static final class ConfigOption {
        @Option(names = {"-c", "--config"}, paramLabel = "PATH",
                description = "The description the simulator was started from (pictl sim start -c PATH): its state "
                        + "directory is " + DEFAULT_DIR + " beside it (default: the current directory).")
        Path config;
    }

    static int error(CliContext ctx, String message) {
        ctx.out().flush();
        ctx.err().println("Error: " + message);
        ctx.err().flush();
        return ExitCode.ERROR;
    }

    private static int notRunning(CliContext ctx, Path dir, String flag) {
        return error(ctx, "no simulator is running for " + dir + "; start one with 'pictl sim start" + flag + "'");
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.startsWith("pictl-sim: ") ? m.substring("pictl-sim: ".length()) : m;
    }

    /**
     * A failed daemon start carries the tail of daemon.log; when the daemon said what went wrong in its own
     * {@code pictl-sim: } lines, those are all a person needs (the rest is library logging).
     */
    static String daemonMessage(String m) {
        List<String> lines = m.lines().toList();
        List<String> own = lines.stream().skip(1).filter(l -> l.startsWith("pictl-sim: "))
                .map(l -> l.substring("pictl-sim: ".length())).toList();
        if (own.isEmpty()) {
            return m;
        }
        return lines.get(0).replaceFirst(":$", "") + ": " + String.join("\n", own);
    }

    /** Prints a node-side result; 0 when it succeeded, else 1 (2 is reserved for "changes present"). */
    private static int relay(CliContext ctx, ExecResult r, String failure) {
        ctx.out().print(r.stdout());
        ctx.out().flush();
        String err = r.stderr();
        if (r.ok()) {
            ctx.err().print(err);
            ctx.err().flush();
            return ExitCode.OK;
        }
        if (err.startsWith("pictl-sim: ")) {
            return error(ctx, err.substring("pictl-sim: ".length()).strip());
        }
        ctx.err().print(err);
        return error(ctx, failure + r.exitCode());
    }

    // ---- start --------------------------------------------------------------------------------------------

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a simulated fleet in the background and wait until every board answers.",
                    "From a cluster description: one board per node block (named after it, SSH on 127.0.1.10, .11, ... "
                            + "port 2222, advertising the node's address to k3s). Or --nodes N boards pi-1..pi-N. "
                            + "Without either, a state directory that already has a cluster restarts it as it was.",
                    "Boards keep their files between runs; remove the directory to start from fresh boards."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every board is up", "1:error (invalid description, already running, a board did not start)"})
    static final class Start implements Callable<Integer> {
        private final CliContext ctx;

        @Spec
        CommandSpec spec;

        @Mixin
        DirOption dir;

        @Mixin
        CommonOptions common;

        @Option(names = "--nodes", paramLabel = "N",
                description = "N generic boards pi-1..pi-N instead of a description (not with -c).")
        Integer nodes;

        @Option(names = "--provisioned",
                description = "Boards start as the description asks (hostname, booted kernel flags, docker.io, k3s "
                        + "server and agents joined) instead of freshly flashed. With --nodes: hostname and cgroup "
                        + "flags only.")
        boolean provisioned;

        @Option(names = "--first-address", paramLabel = "IP", defaultValue = SimulatorSpec.FIRST_ADDRESS,
                description = "Loopback address of the first board; the others follow (default: ${DEFAULT-VALUE}).")
        String firstAddress;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + SimulatorSpec.PORT,
                description = "SSH port of every board, 1024 or more (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
                description = "How long to wait for every board (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        Start(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path state = dir.resolve(ctx, common.config);
            if (!firstAddress.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new ParameterException(spec.commandLine(), "Invalid --first-address '" + firstAddress
                        + "': the boards listen on loopback, e.g. 127.0.1.10");
            }
            OptionRanges.seconds(spec, "--timeout", timeoutSeconds);
            if (port < 1024 || port > 65535) {
                throw new ParameterException(spec.commandLine(), "Invalid --port " + port
                        + ": 1024 to 65535 (lower ports need root)");
            }
            if (nodes != null && common.config != null) {
                throw new ParameterException(spec.commandLine(), "Use either -c/--config or --nodes, not both");
            }
            if (nodes != null && (nodes < 1 || nodes > 2000)) {
                throw new ParameterException(spec.commandLine(), "Invalid --nodes " + nodes + ": expected 1 to 2000");
            }
            if (SimControl.status(state).running()) {
                return error(ctx, "the simulator for " + state + " is already running; stop it first with 'pictl sim stop"
                        + dir.flag(ctx, common.config) + "'");
            }
            ClusterSpec clusterSpec;
            try {
                if (nodes != null) {
                    clusterSpec = SimulatorSpec.generic(nodes, provisioned, firstAddress, port).spec();
                } else if (common.config == null && Files.isRegularFile(state.resolve("cluster.json"))) {
                    clusterSpec = null; // restart what is there
                } else {
                    SimulatorSpec s = fromDescription();
                    if (s == null) {
                        return ExitCode.ERROR;
                    }
                    clusterSpec = s.spec();
                }
            } catch (IllegalArgumentException e) {
                return error(ctx, "cannot simulate this fleet: " + e.getMessage());
            }
            try {
                SimControl.Status st = SimControl.start(state, clusterSpec, Duration.ofSeconds(timeoutSeconds));
                ClusterSpec running = ClusterSpec.read(state.resolve("cluster.json"));
                report(state, st, running);
                return ExitCode.OK;
            } catch (IOException | RuntimeException e) {
                String m = daemonMessage(message(e));
                if (m.contains("Address already in use")) {
                    m += "\n  hint: 'pictl sim start --first-address 127.0.2.10' or '--port 2223' puts the boards elsewhere";
                }
                return error(ctx, "could not start the simulator: " + m);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(ctx, "interrupted while starting the simulator");
            }
        }

        private SimulatorSpec fromDescription() {
            ValidateResult r = new Pictl().validate(new ValidateRequest(common.configPath(ctx), common.variables(ctx, false)));
            if (!r.ok()) {
                DiagnosticsView.text(r.diagnostics(), r.sources(), common.color(ctx), ctx.err());
                ctx.err().println();
                String counts = DiagnosticsView.summary(r.diagnostics());
                ctx.err().println("Error: the description is not valid (" + counts.substring(0, counts.length() - 1)
                        + "); 'pictl validate' shows the same. Or use --nodes N for generic boards.");
                ctx.err().flush();
                return null;
            }
            if (r.config().ofType(dev.pictl.resource.Schemas.NODE_TYPE).isEmpty()) {
                error(ctx, "the description at " + common.configPath(ctx) + " has no node blocks; nothing to simulate");
                return null;
            }
            SimulatorSpec s = SimulatorSpec.of(r.config(), provisioned, firstAddress, port);
            if (!s.ok()) {
                Diagnostics d = new Diagnostics();
                d.addAll(s.diagnostics());
                DiagnosticsView.text(d, r.sources(), common.color(ctx), ctx.err());
                ctx.err().flush();
                return null;
            }
            return s;
        }

        private void report(Path state, SimControl.Status st, ClusterSpec running) {
            PrintWriter out = ctx.out();
            String flag = dir.flag(ctx, common.config);
            out.println("Simulated fleet up: " + running.nodes().size() + (running.nodes().size() == 1 ? " board" : " boards")
                    + " (daemon pid " + st.pid() + ", state in " + state + ").");
            out.println();
            out.print(st.text().endsWith("\n") ? st.text() : st.text() + "\n");
            out.println();
            Path key = state.resolve("id_ed25519");
            Path known = state.resolve("known_hosts");
            out.println("SSH key:     " + key);
            out.println("known_hosts: " + known);
            if (!running.nodes().isEmpty()) {
                NodeSpec first = running.nodes().get(0);
                out.println();
                out.println("Next:");
                out.println("  ssh -i " + key + " -o UserKnownHostsFile=" + known + " -p " + first.port() + " "
                        + first.user() + "@" + first.address() + " uname -a");
                out.println("  pictl sim exec" + flag + " " + first.name() + " -- vcgencmd get_throttled");
                out.println("  pictl sim fault" + flag + " " + first.name() + " throttled 0x50005");
                out.println("  pictl sim status" + flag);
                out.println("  pictl sim stop" + flag);
            }
            out.flush();
        }
    }

    // ---- stop / status / events ----------------------------------------------------------------------------

    /**
     * " --first-address A --port P" where the fleet of {@code state} is not on the defaults, when {@code rebuilt}:
     * {@code pictl sim start -c CONFIG} builds the fleet from the description again, on the default addresses
     * unless told (without -c, it restarts cluster.json as it is).
     */
    static String placement(Path state, boolean rebuilt) {
        try {
            List<NodeSpec> boards = ClusterSpec.read(state.resolve("cluster.json")).nodes();
            if (!rebuilt || boards.isEmpty()) {
                return "";
            }
            NodeSpec first = boards.get(0);
            return (first.address().equals(SimulatorSpec.FIRST_ADDRESS) ? "" : " --first-address " + first.address())
                    + (first.port() == SimulatorSpec.PORT ? "" : " --port " + first.port());
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the simulator. Its boards' files stay in the state directory for the next start.")
    static final class Stop implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        DirOption dir;

        @Mixin
        ConfigOption config;

        Stop(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path state = dir.resolve(ctx, config.config);
            if (!SimControl.status(state).running()) {
                ctx.out().println("No simulator is running for " + state + ".");
                ctx.out().flush();
                return ExitCode.OK;
            }
            try {
                SimControl.stop(state, Duration.ofSeconds(30));
            } catch (IOException e) {
                return error(ctx, "could not stop the simulator: " + message(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(ctx, "interrupted while stopping the simulator");
            }
            ctx.out().println("Stopped the simulator for " + state + " (its state stays; 'pictl sim start"
                    + dir.flag(ctx, config.config) + placement(state, dir.dir == null && config.config != null)
                    + "' brings the same boards back).");
            ctx.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show whether the simulator runs, and a table of its boards: SSH endpoint, advertised "
                    + "address, power, network, k3s unit, exec round trips seen, boot id.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:running", "1:not running, or error"})
    static final class Status implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        DirOption dir;

        @Mixin
        ConfigOption config;

        Status(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path state = dir.resolve(ctx, config.config);
            SimControl.Status st = SimControl.status(state);
            if (!st.running()) {
                return notRunning(ctx, state, dir.flag(ctx, config.config));
            }
            ctx.out().println("Running: daemon pid " + st.pid() + ", " + st.text().strip());
            ctx.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = "Print the simulator's event log (boots, reboots, k3s starts and failures, faults), oldest first.")
    static final class Events implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        DirOption dir;

        @Mixin
        ConfigOption config;

        Events(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path state = dir.resolve(ctx, config.config);
            if (!SimControl.status(state).running()) {
                return notRunning(ctx, state, dir.flag(ctx, config.config));
            }
            try {
                return relay(ctx, SimControl.admin(state, "events"), "events: exit ");
            } catch (IOException e) {
                return error(ctx, message(e));
            }
        }
    }

    // ---- exec / fault --------------------------------------------------------------------------------------

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Run a shell command on a board, as its login user pi (prefix sudo for root), without SSH. "
                    + "Its output is passed through.",
                    "Example: pictl sim exec pi-1 -- 'cat \"$PICTL_ROOT/proc/cmdline\"'"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the command succeeded", "1:it failed (its own exit status is printed), or error"})
    static final class Exec implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        DirOption dir;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "NODE", description = "The board.")
        String node;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD",
                description = "The command, after --; its words are joined by spaces, as ssh does.")
        List<String> command = new ArrayList<>();

        Exec(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Path state = dir.resolve(ctx, config.config);
            if (!SimControl.status(state).running()) {
                return notRunning(ctx, state, dir.flag(ctx, config.config));
            }
            try {
                return relay(ctx, SimControl.exec(state, node, String.join(" ", command)), node + ": command exited ");
            } catch (IOException e) {
                return error(ctx, message(e));
            }
        }
    }

    /** Fault names SimControl understands, plus the power operations that go through its admin channel. */
    static final List<String> FAULTS = List.of("unreachable", "reachable", "drop-on", "drop-now", "fail", "latency",
            "reboot-never-returns", "throttled", "memory", "model", "arch32", "firmware-cgroup-disable", "clock", "disk",
            "disk-full", "memory-pressure", "sd-errors", "flannel-fail", "cert-expired", "cut", "uncut", "image-pull-fail",
            "config-ignore", "eeprom-update", "clear",
            "cert-expiry", "kernel-log",
            "updates", "kernel-update", "package-fails", "reboot-required", "dpkg-lock", "chart-fail");
    static final List<String> POWER = List.of("reboot", "power-off", "power-on");

    @Command(name = "fault", mixinStandardHelpOptions = true,
            description = {"Inject a fault into a board, or reboot / power it off / on.",
                    "Faults: unreachable [refused|silent], reachable, drop-on REGEX [MS], drop-now, "
                            + "fail REGEX [EXIT] [STDERR], latency MS, reboot-never-returns [true|false], throttled [HEX], "
                            + "memory [KB], model TEXT..., arch32 [true|false], firmware-cgroup-disable [true|false], "
                            + "clock [SECONDS], disk [PERCENT], disk-full, memory-pressure [true|false], sd-errors, flannel-fail, "
                            + "cert-expired, cert-expiry DAYS [FILE], kernel-log TEXT..., cut NODE, uncut [NODE], "
                            + "image-pull-fail [IMAGE], config-ignore [KEY], eeprom-update [true|false], "
                            + "updates [N] [SECURITY], kernel-update, package-fails [PKG|none], reboot-required, dpkg-lock [SECONDS], "
                            + "chart-fail [CHART [MESSAGE...]], clear; "
                            + "and reboot, power-off, power-on. See docs/simulator.md#faults."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:done", "1:unknown node or fault, not running, bad usage"})
    static final class Fault implements Callable<Integer> {
        private final CliContext ctx;

        @Spec
        CommandSpec spec;

        @Mixin
        DirOption dir;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "NODE", description = "The board.")
        String node;

        @Parameters(index = "1", paramLabel = "FAULT", description = "The fault (see above).")
        String fault;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "ARG", description = "The fault's arguments.")
        List<String> args = new ArrayList<>();

        Fault(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (!FAULTS.contains(fault) && !POWER.contains(fault)) {
                List<String> all = new ArrayList<>(FAULTS);
                all.addAll(POWER);
                String near = Suggest.closest(fault, all);
                throw new ParameterException(spec.commandLine(), "Unknown fault '" + fault + "'"
                        + (near == null ? "" : "; did you mean '" + near + "'?") + " Known: " + String.join(", ", all));
            }
            Path state = dir.resolve(ctx, config.config);
            if (!SimControl.status(state).running()) {
                return notRunning(ctx, state, dir.flag(ctx, config.config));
            }
            try {
                ExecResult r = POWER.contains(fault) ? SimControl.admin(state, fault, node)
                        : SimControl.fault(state, node, prepend(fault, args));
                int code = relay(ctx, r, node + ": fault " + fault + ": exit ");
                if (code == ExitCode.OK) {
                    ctx.out().println(node + ": " + String.join(" ", prepend(fault, args)));
                    ctx.out().flush();
                }
                return code;
            } catch (IOException e) {
                return error(ctx, message(e));
            }
        }

        private static String[] prepend(String first, List<String> rest) {
            List<String> all = new ArrayList<>();
            all.add(first);
            all.addAll(rest);
            return all.toArray(String[]::new);
        }
    }
}
