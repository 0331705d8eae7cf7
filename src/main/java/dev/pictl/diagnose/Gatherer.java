package dev.pictl.diagnose;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link DiagnoseScript} on many nodes at once: connects to all of them (bounded), then one command per node,
 * as root, in parallel. A node that cannot be reached, or whose script fails, gives an evidence record saying so;
 * the others are read all the same.
 */
public final class Gatherer {
    /** The script reads files, journals and one connection (3 s); k3s check-config takes a few seconds on a Pi. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    private Gatherer() {
    }

    /**
     * @param targets     how to reach each node, by name
     * @param server      the node that runs the API server (it reads the Node objects), or null
     * @param serverHost  the API server's address as the agents reach it, or null
     * @param serverPort  its port
     */
    public static Map<String, NodeEvidence> gather(Transport transport, Map<String, NodeTarget> targets, String server,
                                                   String serverHost, int serverPort, int parallelism, Duration timeout) {
        Map<String, NodeEvidence> out = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return out;
        }
        Map<String, Result<Session>> sessions = transport.openAll(new ArrayList<>(targets.values()), Math.max(1, parallelism));
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(Math.max(1, parallelism), targets.size()), r -> {
            Thread t = new Thread(r, "pictl-diagnose-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<NodeEvidence>> running = new LinkedHashMap<>();
            for (String node : targets.keySet()) {
                if (sessions.get(node) instanceof Result.Ok<Session> ok) {
                    String script = DiagnoseScript.script(serverHost, serverPort, node.equals(server));
                    running.put(node, pool.submit(() -> one(ok.value(), node, script, timeout)));
                }
            }
            for (String node : targets.keySet()) {
                Result<Session> s = sessions.get(node);
                if (s instanceof Result.Failed<Session> failed) {
                    out.put(node, NodeEvidence.unreachable(node, failed.error().getMessage()));
                } else {
                    try {
                        out.put(node, running.get(node).get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        out.put(node, NodeEvidence.unreachable(node, "interrupted"));
                    } catch (ExecutionException e) {
                        out.put(node, NodeEvidence.unreachable(node, node + ": " + DiagnoseScript.STEP + ": " + e.getCause()));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    static NodeEvidence one(Session session, String node, String script, Duration timeout) {
        double sent = now();
        ExecResult r;
        try {
            r = session.exec(new RemoteCommand(DiagnoseScript.STEP, script, timeout, true, null));
        } catch (TransportException e) {
            return NodeEvidence.unreachable(node, e.getMessage());
        }
        double received = now();
        if (!r.stdout().contains(DiagnoseScript.MARK + "end")) {
            String tail = r.stderrTail(3);
            return NodeEvidence.unreachable(node, node + ": " + DiagnoseScript.STEP + ": the script ended early (exit "
                    + r.exitCode() + ")" + (tail.isEmpty() ? "" : ": " + tail));
        }
        return NodeEvidence.of(node, r.stdout(), sent, received);
    }

    private static double now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() + i.getNano() / 1e9;
    }
}
