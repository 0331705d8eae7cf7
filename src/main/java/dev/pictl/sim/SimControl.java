package dev.pictl.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pictl.nodetext.Tails;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Controls a simulator daemon that keeps a cluster alive between pictl invocations. The state directory
 * holds {@code cluster.json} (the {@link ClusterSpec}), {@code daemon.json} (pid and control port while it
 * runs), {@code daemon.log}, and everything {@link SimCluster} keeps there. The CLI's {@code pictl sim ...}
 * commands are thin wrappers around these methods; {@link #main} offers the same by hand.
 */
public final class SimControl {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SimControl() {}

    /** What {@link #status} found. {@code text} is a table of the nodes when running. */
    public record Status(boolean running, long pid, int controlPort, String text) {}

    /**
     * Starts a daemon for {@code dir}. With a spec, writes it as {@code cluster.json} first (an existing
     * cluster.json is used otherwise). Returns once every node answers, or throws with the daemon log's tail.
     */
    public static Status start(Path dir, ClusterSpec spec, Duration timeout) throws IOException, InterruptedException {
        dir = dir.toAbsolutePath();
        Status s = status(dir);
        if (s.running()) throw new IllegalStateException("the simulator for " + dir + " is already running (pid " + s.pid() + ")");
        Files.createDirectories(dir);
        if (spec != null) spec.write(dir.resolve("cluster.json"));
        else if (!Files.isRegularFile(dir.resolve("cluster.json"))) throw new IOException("no cluster.json in " + dir);
        Files.deleteIfExists(dir.resolve("daemon.json"));
        checkEndpointsFree(ClusterSpec.read(dir.resolve("cluster.json")));
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) cmd.add("/usr/bin/setsid");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss512k");
        cmd.add("-cp");
        cmd.add(absoluteClassPath());
        cmd.add(SimDaemon.class.getName());
        cmd.add(dir.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Status now = status(dir);
            if (now.running()) return now;
            if (!p.isAlive() && !Files.exists(dir.resolve("daemon.json"))) {
                throw new IOException("the simulator daemon exited (" + p.exitValue() + "):\n" + logTail(dir));
            }
            Thread.sleep(50);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("the simulator daemon did not come up within " + timeout.toSeconds() + " s:\n" + logTail(dir));
    }

    /**
     * Fails at once, naming the board, when another process listens on a board's address and port (another
     * simulator, an sshd): the daemon would otherwise retry the bind for seconds and fail with a log full of it.
     */
    static void checkEndpointsFree(ClusterSpec spec) throws IOException {
        for (NodeSpec n : spec.nodes()) {
            try (java.net.ServerSocket ss = new java.net.ServerSocket()) {
                ss.setReuseAddress(true);
                ss.bind(new java.net.InetSocketAddress(n.address(), n.port()));
            } catch (IOException e) {
                throw new IOException(n.name() + ": cannot listen on " + n.address() + ":" + n.port() + ": "
                        + e.getMessage() + " (another simulator or program listens there: stop it, or start on other addresses)", e);
            }
        }
    }

    /**
     * This JVM's class path with every entry made absolute ({@code java -jar target/pictl.jar} has a relative one),
     * so the daemon finds the same classes wherever it runs.
     */
    static String absoluteClassPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) out.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        return String.join(File.pathSeparator, out);
    }

    private static String logTail(Path dir) {
        try {
            return Tails.last(Files.readString(dir.resolve("daemon.log")), 15);
        } catch (IOException e) {
            return "(no daemon.log)";
        }
    }

    private record Daemon(long pid, int port, String key) {}

    private static Optional<Daemon> daemon(Path dir) {
        try {
            JsonNode j = MAPPER.readTree(dir.resolve("daemon.json").toFile());
            String key = Files.readString(dir.resolve("control.key")).trim();
            return Optional.of(new Daemon(j.get("pid").asLong(), j.get("controlPort").asInt(), key));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the daemon of {@code dir} runs and answers, with its node table. */
    public static Status status(Path dir) {
        Optional<Daemon> d = daemon(dir.toAbsolutePath());
        if (d.isEmpty() || ProcessHandle.of(d.get().pid()).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
            return new Status(false, 0, 0, "not running");
        }
        try {
            ExecResult r = ControlClient.call(d.get().port(), d.get().key(), List.of("admin", "status"), null, Duration.ofSeconds(10));
            return new Status(r.ok(), d.get().pid(), d.get().port(), r.stdout());
        } catch (IOException e) {
            return new Status(false, d.get().pid(), d.get().port(), "not answering: " + e.getMessage());
        }
    }

    /**
     * Whether the fleet of {@code dir} runs and answers: the control port named in its {@code control.json} (written
     * by {@link SimCluster} once every board is up, for a daemon and a test fixture alike, and removed when it stops)
     * accepts this directory's control key. A stale file (the process is gone, or the port is another fleet's) is
     * "no". Only 127.0.0.1 is contacted.
     */
    public static boolean answers(Path dir) {
        Path d = dir.toAbsolutePath();
        try {
            JsonNode j = MAPPER.readTree(d.resolve(SimCluster.CONTROL_FILE).toFile());
            String key = Files.readString(d.resolve("control.key")).trim();
            ExecResult r = ControlClient.call(j.get("controlPort").asInt(), key, List.of("admin", "ping"), null,
                    Duration.ofSeconds(10));
            return r.ok() && r.stdout().startsWith("pong");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The first board of {@code spec} whose SSH endpoint accepts a TCP connection, for a fleet that does not run:
     * then something else listens there (another fleet started from another directory, an sshd). Only literal
     * 127.x.x.x addresses are tried; nothing is sent.
     */
    public static Optional<NodeSpec> occupied(ClusterSpec spec) {
        for (NodeSpec n : spec.nodes()) {
            if (!n.address().matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                continue;
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(n.address(), n.port()), 1000);
                return Optional.of(n);
            } catch (IOException e) {
                // nothing there: as expected
            }
        }
        return Optional.empty();
    }

    /** Stops the daemon (its nodes' processes are killed); the state directory stays for the next start. */
    public static void stop(Path dir, Duration timeout) throws IOException, InterruptedException {
        Optional<Daemon> d = daemon(dir.toAbsolutePath());
        if (d.isEmpty()) return;
        Optional<ProcessHandle> ph = ProcessHandle.of(d.get().pid());
        try {
            ControlClient.call(d.get().port(), d.get().key(), List.of("admin", "stop"), null, Duration.ofSeconds(10));
        } catch (IOException e) {
            ph.ifPresent(ProcessHandle::destroy);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ph.isPresent() && ph.get().isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        if (ph.isPresent() && ph.get().isAlive()) ph.get().destroyForcibly();
        Files.deleteIfExists(dir.toAbsolutePath().resolve("daemon.json"));
    }

    /** Runs {@code command} in a node's shell (as its login user, no SSH). */
    public static ExecResult exec(Path dir, String node, String command) throws IOException {
        return admin(dir, "exec", node, command);
    }

    /**
     * Injects a fault: {@code unreachable [refused|silent]}, {@code reachable}, {@code drop-on REGEX [delayMs]},
     * {@code drop-now}, {@code fail REGEX [exit] [stderr]}, {@code latency MS}, {@code reboot-never-returns [true|false]},
     * {@code throttled [HEX]}, {@code memory [KB]}, {@code model TEXT...}, {@code arch32 [true|false]},
     * {@code firmware-cgroup-disable [true|false]}, {@code clock [SECONDS]}, {@code disk [PERCENT]}, {@code disk-full},
     * {@code memory-pressure [true|false]}, {@code sd-errors}, {@code flannel-fail}, {@code cert-expired}, {@code cert-expiry DAYS [FILE]}, {@code kernel-log TEXT}, {@code cut NODE}, {@code uncut [NODE]}, {@code image-pull-fail [IMAGE]},
     * {@code config-ignore [KEY]}, {@code eeprom-update [true|false]}, {@code clear}.
     */
    public static ExecResult fault(Path dir, String node, String... fault) throws IOException {
        List<String> a = new ArrayList<>(List.of("fault", node));
        a.addAll(List.of(fault));
        return admin(dir, a.toArray(String[]::new));
    }

    /** Any admin operation: ping, status, events, reboot NODE, power-off NODE, power-on NODE, pv-bind PV CLAIM, pv-release PV, ... */
    public static ExecResult admin(Path dir, String... op) throws IOException {
        Daemon d = daemon(dir.toAbsolutePath()).orElseThrow(() -> new IOException("the simulator for " + dir + " is not running"));
        List<String> a = new ArrayList<>(List.of("admin"));
        a.addAll(List.of(op));
        return ControlClient.call(d.port(), d.key(), a, null, Duration.ofMinutes(11));
    }

    /**
     * By hand: {@code start DIR [COUNT]} (COUNT fresh nodes pi-1..N on 127.0.1.10.. port 2222 unless DIR has a
     * cluster.json), {@code stop DIR}, {@code status DIR}, {@code exec DIR NODE CMD...}, {@code fault DIR NODE FAULT...},
     * {@code events DIR}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SimControl start DIR [COUNT] | stop DIR | status DIR | exec DIR NODE CMD... | fault DIR NODE FAULT... | events DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "start" -> {
                ClusterSpec spec = null;
                if (!Files.exists(dir.resolve("cluster.json")) || args.length > 2) {
                    spec = ClusterSpec.generate(args.length > 2 ? Integer.parseInt(args[2]) : 3, "pi", 2222);
                }
                Status s = start(dir, spec, Duration.ofMinutes(3));
                System.out.print(s.text());
            }
            case "stop" -> stop(dir, Duration.ofSeconds(30));
            case "status" -> {
                Status s = status(dir);
                System.out.print(s.text().endsWith("\n") ? s.text() : s.text() + "\n");
                System.exit(s.running() ? 0 : 3);
            }
            case "exec", "fault", "events" -> {
                ExecResult r = switch (args[0]) {
                    case "exec" -> exec(dir, args[2], String.join(" ", List.of(args).subList(3, args.length)));
                    case "fault" -> fault(dir, args[2], List.of(args).subList(3, args.length).toArray(String[]::new));
                    default -> admin(dir, "events");
                };
                System.out.print(r.stdout());
                System.err.print(r.stderr());
                System.exit(r.exitCode());
            }
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
