package dev.pictl.probe;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Probes many nodes at once: connects to all of them ({@link Transport#openAll}, bounded), then runs exactly
 * one command per reachable node — the {@link Probe}'s script as root, step {@value #STEP} — and parses its
 * output. A node that cannot be reached or whose command fails is a {@link ProbeOutcome.Failed} with the
 * classified {@link TransportException}; the other nodes are probed all the same.
 *
 * <p>The output of a server's probe holds its token: it is parsed and dropped, never logged and never quoted
 * in a message (a failure quotes stderr only).
 */
public final class Prober {

    /** The step name in messages: {@code pi-1: probe: command exited 2: ...}. */
    public static final String STEP = "probe";

    /**
     * A time limit that fits a healthy node with room to spare: the facts take well under a second, and on the
     * server the one kubectl call has its own {@value NodeProbe#KUBECTL_TIMEOUT_SECONDS} s limit, so
     * a hung API server costs the kube snapshot (an error in it), not the node's whole observation.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

    private Prober() {
    }

    /**
     * Probes every target.
     *
     * @param probe       the fragments to assemble each node's script from (the registry's)
     * @param targets     how to reach each node, by node name (the result keeps this order)
     * @param requests    what to gather beyond the facts, by node name; a node without one gets the facts only
     * @param parallelism how many nodes are connected to, and probed, at once (at least 1)
     * @param timeout     the probe command's time limit on each node ({@link #DEFAULT_TIMEOUT} fits)
     * @return one outcome per target, by node name, in the order of {@code targets}
     * @throws IllegalArgumentException if a request names a node without a target, or its node differs from its key
     */
    public static Map<String, ProbeOutcome> probeAll(Probe probe, Transport transport, Map<String, NodeTarget> targets,
                                                     Map<String, ProbeRequest> requests, int parallelism,
                                                     Duration timeout) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        for (Map.Entry<String, ProbeRequest> e : requests.entrySet()) {
            if (!targets.containsKey(e.getKey())) {
                throw new IllegalArgumentException("probe request for " + e.getKey() + ", which has no target");
            }
            if (!e.getValue().node().equals(e.getKey())) {
                throw new IllegalArgumentException("probe request under " + e.getKey() + " is for " + e.getValue().node());
            }
        }
        for (Map.Entry<String, NodeTarget> e : targets.entrySet()) {
            if (!e.getValue().node().equals(e.getKey())) {
                throw new IllegalArgumentException("target under " + e.getKey() + " is for " + e.getValue().node());
            }
        }
        Map<String, ProbeOutcome> out = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return out;
        }
        Map<String, Result<Session>> sessions = transport.openAll(new ArrayList<>(targets.values()), parallelism);

        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, targets.size()), daemonThreads());
        try {
            Map<String, Future<ProbeOutcome>> running = new LinkedHashMap<>();
            for (String node : targets.keySet()) {
                if (sessions.get(node) instanceof Result.Ok<Session> ok) {
                    ProbeRequest request = requests.getOrDefault(node, ProbeRequest.of(node));
                    running.put(node, pool.submit(() -> probe(probe, ok.value(), request, timeout)));
                }
            }
            for (String node : targets.keySet()) {
                Result<Session> session = sessions.get(node);
                if (session instanceof Result.Failed<Session> failed) {
                    out.put(node, new ProbeOutcome.Failed(node, failed.error()));
                } else if (session == null) {
                    throw new IllegalStateException("the transport gave no outcome for " + node);
                } else {
                    out.put(node, await(node, running.get(node)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** One node: the one exec, then the parse. */
    static ProbeOutcome probe(Probe probe, Session session, ProbeRequest request, Duration timeout) {
        String node = request.node();
        RemoteCommand cmd = new RemoteCommand(STEP, probe.script(request), timeout, true, null);
        long start = System.nanoTime();
        ExecResult result;
        try {
            result = session.exec(cmd);
        } catch (TransportException e) {
            LOG.debug("{}: probe failed: {}", node, e.kind());
            return new ProbeOutcome.Failed(node, e);
        }
        LOG.debug("{}: probe: exit {} in {} ms, {} bytes of output", node, result.exitCode(),
                (System.nanoTime() - start) / 1_000_000, result.stdout().length());
        if (!result.ok()) {
            return new ProbeOutcome.Failed(node, failed(node, "command exited " + result.exitCode(), result));
        }
        if (!ProbeParser.complete(result.stdout())) {
            return new ProbeOutcome.Failed(node, failed(node, "the probe's output ended early", result));
        }
        try {
            return new ProbeOutcome.Observed(probe.parse(request, result.stdout()));
        } catch (RuntimeException e) {
            // A parser bug. Its message never quotes the output (which may hold the token).
            throw new IllegalStateException(node + ": " + STEP + ": could not read the probe's output ("
                    + e.getClass().getSimpleName() + "); this is a bug in pictl", e);
        }
    }

    /**
     * A COMMAND_FAILED whose message quotes stderr's tail only. Not {@link TransportException#commandFailed}:
     * that falls back to stdout's tail, and a server's stdout holds its token.
     */
    private static TransportException failed(String node, String what, ExecResult result) {
        String tail = result.stderrTail(5);
        String detail = what + (tail.isEmpty() ? "" : tail.contains("\n") ? ":\n  " + tail.replace("\n", "\n  ") : ": " + tail);
        return new TransportException(Kind.COMMAND_FAILED, node, STEP, detail,
                "the probe only reads files and status; check that sudo, /bin/sh and coreutils work on the node "
                        + "(`sudo -n true; echo $?`), then run pictl again");
    }

    private static ProbeOutcome await(String node, Future<ProbeOutcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeOutcome.Failed(node, new TransportException(Kind.CONNECTION_LOST, node, STEP,
                    "interrupted before the probe finished", "run pictl again"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(node + ": " + STEP + ": " + cause, cause);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "pictl-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
