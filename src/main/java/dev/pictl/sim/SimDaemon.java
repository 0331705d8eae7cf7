package dev.pictl.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The detached simulator process: {@code java -cp <class path> dev.pictl.sim.SimDaemon <state dir>}.
 * Reads {@code cluster.json}, starts every node, writes {@code daemon.json} ({@code pid}, {@code controlPort})
 * and runs until {@link SimControl#stop} (or a signal). Its output goes to {@code daemon.log}.
 */
public final class SimDaemon {
    private SimDaemon() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SimDaemon <state dir>");
            System.exit(2);
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Path dir = Path.of(args[0]).toAbsolutePath();
        ClusterSpec spec;
        SimCluster cluster;
        try {
            spec = ClusterSpec.read(dir.resolve("cluster.json"));
            cluster = SimCluster.start(spec, dir);
        } catch (IOException | RuntimeException e) {
            // One line a person can act on (it is what `pictl sim start` shows); the trace only on request.
            System.err.println("pictl-sim: " + describe(e));
            if (System.getenv("PICTL_DEBUG") != null) e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopped.compareAndSet(false, true)) return;
            try {
                Files.deleteIfExists(dir.resolve("daemon.json"));
            } catch (IOException ignored) {
                // going away anyway
            }
            cluster.close();
            done.countDown();
        };
        cluster.onAdminStop(stop);
        Runtime.getRuntime().addShutdownHook(new Thread(stop));
        Path tmp = dir.resolve("daemon.json.tmp");
        Files.writeString(tmp, "{\"pid\": " + ProcessHandle.current().pid() + ", \"controlPort\": " + cluster.controlPort()
                + ", \"startupMillis\": " + cluster.startupTime().toMillis() + "}\n");
        Files.move(tmp, dir.resolve("daemon.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("pictl-sim: " + spec.nodes().size() + " nodes up in " + cluster.startupTime().toMillis()
                + " ms; control port " + cluster.controlPort() + "; pid " + ProcessHandle.current().pid());
        System.out.flush();
        done.await();
        System.exit(0);
    }

    /** "pi-1: cannot listen on 127.0.1.10:2222: Address already in use": the messages of the cause chain. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) >= 0) continue;
            if (b.length() > 0) b.append(": ");
            b.append(m);
        }
        if (b.indexOf("Address already in use") >= 0) {
            b.append(" (another simulator or program listens there: stop it, or start on other addresses)");
        }
        return b.toString();
    }
}
