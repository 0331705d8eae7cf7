package dev.pictl.engine;

import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.probe.Probe;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.Prober;
import dev.pictl.state.PendingReboot;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan and apply never work from, or change, a board that is in the middle of a reboot. After the probe, a node
 * is waited for when
 *
 * <pre>
 *   the probe found it shutting down (systemd "stopping", or /run/nologin outside boot)        whoever started it
 *   the probe found pictl's reboot marker for the boot it probed (a reboot pictl scheduled,
 *     not yet begun: the systemd timer runs 2 s after the command)                              pictl
 *   the probe could not reach it (refused, timed out, cut off, refused auth during shutdown)
 *     and the state has a reboot pictl scheduled for one of its in_progress resources           pictl
 * </pre>
 *
 * Waiting means: one line to the user ({@code pi-2: rebooting (started by the apply at 14:02:11); waiting up to
 * 600 s}), then polling the boot_id with backoff until it is not the one the reboot ends, then probing the node
 * again (which may find it going down again, and wait again, within the same deadline). A node that does not come
 * back in time stays unprobed, with an error naming the node, the step ({@value #STEP}) and the timeout. When
 * the state has a reboot on record but the board answers on the old boot with no marker and is not going down,
 * the reboot was never scheduled (the run was killed first): nothing to wait for, the plan shows it as pending.
 * Drift never waits (it reports what it sees).
 */
final class RebootWait {
    private static final Logger LOG = LoggerFactory.getLogger(RebootWait.class);

    /** The step in messages about a board that did not come back. */
    static final String STEP = "wait for boot";

    /** Failures a board in its reboot window gives; waiting is the cure. Host key trouble is not. */
    private static final Set<Kind> TRANSIENT = EnumSet.of(Kind.UNREACHABLE, Kind.TIMED_OUT, Kind.CONNECTION_LOST,
            Kind.COMMAND_FAILED, Kind.AUTH_REFUSED);

    private static final String READ_BOOT_ID = "cat \"${PICTL_ROOT:-}/proc/sys/kernel/random/boot_id\"";
    private static final Duration POLL_LIMIT = Duration.ofSeconds(15);
    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 5000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /**
     * What to wait with.
     *
     * @param timeout   how long to wait for each board (the apply's --reboot-timeout)
     * @param notices   where the one line per waited-for node goes
     * @param cancelled set (Ctrl-C) to stop waiting
     */
    record Settings(Duration timeout, Consumer<String> notices, AtomicBoolean cancelled) {
    }

    private RebootWait() {
    }

    /**
     * The probes with every node that was rebooting waited for and probed again; the others as they were.
     *
     * @param probe    the probe the nodes were probed with (to probe them again)
     * @param requests what each node's probe asks for (to probe it again)
     */
    static Map<String, ProbeOutcome> settle(Probe probe, Map<String, ProbeOutcome> probes, State state, Transport transport,
                                            Map<String, NodeTarget> targets, Map<String, ProbeRequest> requests,
                                            Duration probeTimeout, Settings settings) {
        Map<String, PendingReboot> pending = pendingReboots(state);
        Map<String, String> waitFor = new LinkedHashMap<>();
        for (Map.Entry<String, ProbeOutcome> e : probes.entrySet()) {
            String why = reason(e.getValue(), pending.get(e.getKey()));
            if (why != null) {
                waitFor.put(e.getKey(), why);
            }
        }
        if (waitFor.isEmpty()) {
            return probes;
        }
        Map<String, ProbeOutcome> out = new LinkedHashMap<>(probes);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(waitFor.size(), 32), r -> {
            Thread t = new Thread(r, "pictl-reboot-wait");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<ProbeOutcome>> running = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : waitFor.entrySet()) {
                String node = e.getKey();
                settings.notices().accept(node + ": " + e.getValue() + "; waiting up to "
                        + settings.timeout().toSeconds() + " s");
                running.put(node, pool.submit(() -> awaitNode(probe, node, probes.get(node), pending.get(node), transport,
                        targets.get(node), requests.get(node), probeTimeout, settings)));
            }
            for (Map.Entry<String, Future<ProbeOutcome>> e : running.entrySet()) {
                out.put(e.getKey(), result(e.getKey(), e.getValue()));
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** Why this node must be waited for ("rebooting (started by ...)"), or null. */
    static String reason(ProbeOutcome outcome, PendingReboot pending) {
        String started = pending == null ? "scheduled by pictl"
                : "started by the apply at " + CLOCK.format(pending.scheduledAt().atZone(ZoneId.systemDefault()));
        if (outcome instanceof ProbeOutcome.Observed o) {
            NodeObservation.Lifecycle life = o.observation().lifecycle();
            String boot = o.observation().facts().bootId();
            if (life.pictlRebootPending(boot)) {
                return "rebooting (" + started + ")";
            }
            if (life.shuttingDown()) {
                return pending != null && pending.replacesBootId().equals(boot) ? "rebooting (" + started + ")"
                        : "shutting down (systemctl is-system-running: " + (life.systemState().isEmpty() ? "?"
                        : life.systemState()) + (life.nologin() ? ", /run/nologin" : "") + ")";
            }
            return null;
        }
        if (outcome instanceof ProbeOutcome.Failed f && pending != null && TRANSIENT.contains(f.cause().kind())) {
            return "rebooting (" + started + ")";
        }
        return null;
    }

    /** By node: the latest reboot on record among its in_progress entries. */
    static Map<String, PendingReboot> pendingReboots(State state) {
        Map<String, PendingReboot> out = new LinkedHashMap<>();
        for (ResourceState r : state.resources()) {
            if (r.reboot() != null && r.status() == ResourceStatus.IN_PROGRESS && r.node() != null) {
                out.merge(r.node(), r.reboot(), (a, b) -> a.scheduledAt().isAfter(b.scheduledAt()) ? a : b);
            }
        }
        return out;
    }

    /** Polls until the boot the board was in has ended, then probes it; within the deadline, repeatedly. */
    private static ProbeOutcome awaitNode(Probe probe, String node, ProbeOutcome first, PendingReboot pending, Transport transport,
                                          NodeTarget target, ProbeRequest request, Duration probeTimeout,
                                          Settings settings) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        ProbeOutcome outcome = first;
        String last = first instanceof ProbeOutcome.Failed f ? f.cause().getMessage() : "it was going down";
        while (true) {
            String ended = first instanceof ProbeOutcome.Observed o ? o.observation().facts().bootId()
                    : pending.replacesBootId();
            long backoff = FIRST_BACKOFF_MS;
            while (true) {
                if (settings.cancelled().get()) {
                    return failed(node, "interrupted while waiting for the node's reboot (last: " + last + ")",
                            "run pictl again: it waits for the board again");
                }
                if (System.nanoTime() >= deadline) {
                    return failed(node, "the node did not come back with a new boot_id within "
                                    + settings.timeout().toSeconds() + " s" + (pending == null ? ""
                                    : " (the reboot was started by the apply at " + CLOCK.format(pending.scheduledAt()
                                    .atZone(ZoneId.systemDefault())) + ")") + "; last: " + last,
                            "check the board (power, network, SD card) and power-cycle it if needed, then run "
                                    + "pictl again; a slow board needs a longer --reboot-timeout");
                }
                String id;
                try {
                    id = bootId(transport, target);
                } catch (TransportException e) {
                    return new ProbeOutcome.Failed(node, e); // host key trouble: waiting cannot cure it
                }
                if (id != null && !id.startsWith("!") && !id.equals(ended)) {
                    LOG.debug("{}: up again on boot_id {}", node, id);
                    break;
                }
                last = id == null ? "it answered with no boot_id" : id.startsWith("!") ? id.substring(1)
                        : "it still answered with the boot it was leaving";
                sleep(Math.min(backoff, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
            outcome = Prober.probeAll(probe, transport, Map.of(node, target), Map.of(node, request), 1, probeTimeout)
                    .get(node);
            if (reason(outcome, null) == null || !(outcome instanceof ProbeOutcome.Observed)) {
                return outcome;
            }
            first = outcome; // going down again (someone else's reboot): wait for that one too, same deadline
            pending = null;
            last = "it was going down again";
        }
    }

    /**
     * The node's boot_id; "!" and the reason when a board in its reboot window could not be read.
     *
     * @throws TransportException a failure that waiting cannot cure (host key unknown or changed)
     */
    private static String bootId(Transport transport, NodeTarget target) throws TransportException {
        Session session = null;
        try {
            session = transport.open(target);
            ExecResult r = session.exec(RemoteCommand.of(STEP, READ_BOOT_ID).withTimeout(POLL_LIMIT));
            String id = r.stdout().strip();
            return r.exitCode() == 0 && !id.isEmpty() ? id : "!reading the boot_id exited " + r.exitCode();
        } catch (TransportException e) {
            if (!TRANSIENT.contains(e.kind())) {
                throw e;
            }
            return "!" + e.getMessage();
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private static ProbeOutcome failed(String node, String detail, String hint) {
        return new ProbeOutcome.Failed(node, new TransportException(Kind.TIMED_OUT, node, STEP, detail, hint));
    }

    private static ProbeOutcome result(String node, Future<ProbeOutcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(node, "interrupted while waiting for the node's reboot", "run pictl again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(node + ": " + STEP + ": " + e.getCause(), e.getCause());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
