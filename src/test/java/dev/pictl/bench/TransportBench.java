package dev.pictl.bench;

import dev.pictl.engine.NodeTargets;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Benchmark (bench/sim-bench.sh; not a test, it only measures and prints): for each node count, the start-up
 * time of a fresh simulated fleet, then "connect + one command" to every node the way pictl does it — a
 * description of N nodes, {@link SimulatorTargets#forSimulator}, {@link SshTransport#openAll}, one
 * {@link Session#exec} per node in parallel — with the exec round trips each board counted.
 *
 * <p>System properties: {@code bench.parallel} (connections and commands in flight at once, default 32, as
 * pictl's default {@code --parallelism} would be), {@code bench.port} (default 22022).
 */
public final class TransportBench {
    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<Integer> counts = new ArrayList<>();
        for (String a : args) {
            counts.add(Integer.parseInt(a));
        }
        if (counts.isEmpty()) {
            counts = List.of(10, 50, 200);
        }
        int parallel = Integer.getInteger("bench.parallel", 32);
        int port = Integer.getInteger("bench.port", 22022);
        System.out.printf("%-6s %11s %13s %13s %15s %11s%n", "nodes", "start (ms)", "connect (ms)", "1 cmd (ms)",
                "connect+1 cmd", "execs/node");
        for (int n : counts) {
            Path dir = Files.createTempDirectory("pictl-sim-bench-");
            try {
                System.out.println(row(n, port, parallel, dir));
            } finally {
                deleteTree(dir);
            }
        }
        System.out.println("(parallelism " + parallel + "; pictl's SshTransport: key auth, strict known_hosts, heartbeat on)");
    }

    private static String row(int n, int port, int parallel, Path dir) throws Exception {
        ClusterSpec generated = ClusterSpec.generate(n, "pi", port);
        List<NodeSpec> boards = new ArrayList<>();
        StringBuilder hcl = new StringBuilder();
        for (NodeSpec b : generated.nodes()) {
            int i = boards.size();
            String lan = "10.0." + (i / 250) + "." + (1 + i % 250);
            boards.add(b.withAdvertisedAddress(lan));
            hcl.append("node \"").append(b.name()).append("\" { address = \"").append(lan).append("\" }\n");
        }
        Path sim = dir.resolve("sim");
        Path cfgDir = dir.resolve("cluster");
        Files.createDirectories(cfgDir);
        Files.writeString(cfgDir.resolve("cluster.hcl"), hcl);
        try (SimCluster c = SimCluster.start(generated.withNodes(boards), sim)) {
            long start = c.startupTime().toMillis();
            ValidateResult v = new Pictl().validate(new ValidateRequest(cfgDir, VariableInputs.none()));
            if (!v.ok()) {
                throw new IllegalStateException("benchmark description invalid: " + v.diagnostics().sorted());
            }
            NodeTargets targets = SimulatorTargets.forSimulator(v.config(), sim);
            if (!targets.ok()) {
                throw new IllegalStateException("overlay failed: " + targets.diagnostics());
            }
            long before = c.nodes().stream().mapToLong(SimNode::execCount).sum();
            int failed = 0;
            long t0 = System.nanoTime();
            long connected;
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try (SshTransport t = new SshTransport(TransportSettings.isolated(c.knownHosts(), "pi", Secrets.none()))) {
                Map<String, Result<Session>> sessions = t.openAll(targets.targets(), parallel);
                connected = System.nanoTime();
                List<Future<Boolean>> runs = new ArrayList<>();
                for (Result<Session> r : sessions.values()) {
                    if (!(r instanceof Result.Ok<Session> ok)) {
                        failed++;
                        continue;
                    }
                    runs.add(pool.submit(() -> command(ok.value())));
                }
                for (Future<Boolean> f : runs) {
                    if (!f.get()) {
                        failed++;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            long done = System.nanoTime();
            long execs = c.nodes().stream().mapToLong(SimNode::execCount).sum() - before;
            return String.format("%-6d %11d %13d %13d %12d ms %11.1f%s", n, start, (connected - t0) / 1_000_000,
                    (done - connected) / 1_000_000, (done - t0) / 1_000_000, (double) execs / n,
                    failed == 0 ? "" : "   (" + failed + " failed)");
        }
    }

    /** What a probe's single round trip looks like, in miniature. */
    private static boolean command(Session s) {
        try {
            return s.exec(RemoteCommand.of("read facts",
                    "cat \"${PICTL_ROOT:-}/proc/sys/kernel/random/boot_id\"; uname -m")).ok();
        } catch (TransportException e) {
            return false;
        }
    }

    private static void deleteTree(Path d) throws IOException {
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
