package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.plan.Action;
import dev.pictl.plan.Plan;
import dev.pictl.plan.ResourceChange;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Walks a plan. Semantics, written down once:
 *
 * <ul>
 *   <li>A create, update or replacement starts only when every changed resource it depends on has succeeded;
 *       a delete starts only when the deletes of everything that depended on it have succeeded (dependents
 *       first).</li>
 *   <li>At most {@code parallelism} resources run at once. Reboots and k3s upgrades of nodes already in the
 *       cluster are additionally limited to {@code maxUnavailable} at a time (the server's before the agents'
 *       by the graph); a bare fleet is provisioned in parallel. Of the nodes that hold the datastore in a quorum
 *       (the servers of several, {@link ApplyContext#quorumMember}) one at a time is out of service, whatever
 *       {@code maxUnavailable} says, and its turn ends only when its member is healthy again
 *       ({@link Executor#awaitQuorumMember}).</li>
 *   <li>One reboot per board: changes that reboot the same node never run at once (the others stay pending), and the
 *       one that runs makes the others' edits first ({@link Executor#prepareForReboot}, for those whose dependencies
 *       have succeeded), so that they find their edits in effect after its reboot and do not reboot again.</li>
 *   <li>A failure skips everything that depends on it, transitively; independent work goes on. The root cause is
 *       reported once, the skipped ones name it. A failed change that took a node out of service stops the roll:
 *       no further node is taken out of service in this apply (those changes are skipped, naming it).</li>
 *   <li>Cancellation (Ctrl-C) starts nothing new (a change waiting for its rolling turn included), lets running
 *       resources finish, and leaves the state saved.</li>
 *   <li>The state is written after every resource (see {@link StateRecorder}). If it cannot be written the apply
 *       stops starting work: continuing would leave changes nobody records.</li>
 * </ul>
 *
 * <pre>
 *   pending ──deps ok──▶ running ──▶ succeeded
 *      │                    └──────▶ failed ──▶ dependents: skipped
 *      └──cancelled / dep failed──▶ skipped
 * </pre>
 */
public final class Applier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Applier.class);
    private final Executors executors;
    private final ApplyContext ctx;
    private final ApplyHook hook;
    private final AtomicBoolean cancelled;
    /** Set when a change that took a node out of service failed: the roll stops there (see {@link #run}). */
    private final java.util.concurrent.atomic.AtomicReference<String> rollStopped =
            new java.util.concurrent.atomic.AtomicReference<>();

    public Applier(Executors executors, ApplyContext ctx, ApplyHook hook, AtomicBoolean cancelled) {
        this.executors = executors;
        this.ctx = ctx;
        this.hook = hook;
        this.cancelled = cancelled;
    }

    /** Applies {@code plan}, recording into the state through {@code lock} (held by the caller throughout). */
    public ApplyResult apply(Plan plan, StateWriter lock) throws StateException {
        State start = lock.read();
        StateRecorder recorder = new StateRecorder(lock, start);
        ctx.cancellation(cancelled);
        ctx.journal((address, node, bootId) -> {
            try {
                recorder.rebootScheduled(address, node, bootId);
            } catch (StateException e) {
                throw new ApplyException(node, "reboot", "the state could not be saved before the reboot: "
                        + e.getMessage(), "pictl reboots a board only once the state says so; fix the state file's "
                        + "directory and apply again", e);
            }
        });
        for (ResourceChange c : plan.changes()) {
            if (c.action() == Action.NO_OP && c.after() != null) {
                // What applying it would have recorded: else an apply killed after a change but before its
                // state write would leave, once adopted, another state than an uninterrupted run.
                Recorded r = ctx.masked(c, executors.adopted(ctx.reveal(c)));
                var recorded = start.resource(c.address());
                if (!Objects.equals(recorded.map(s -> s.attributes()).orElse(null), r.attributes())
                        || !sameHashes(recorded.map(s -> s.sensitiveHashes()).orElse(Map.of()), r.sensitiveHashes())
                        || recorded.map(s -> s.status() != ResourceStatus.OK).orElse(false)) {
                    recorder.adopt(c, r); // also an entry a cut-off apply left in_progress that now matches
                }
            }
        }
        List<ResourceChange> work = plan.changes().stream().filter(ResourceChange::isChange).toList();
        Map<ResourceAddress, Set<ResourceAddress>> waitsFor = dependencies(work, plan.changes());
        return walk(work, waitsFor, recorder);
    }

    /**
     * Whether the state's hashes are what adopting would record; only the sensitive attributes the description
     * marks now are compared (a hash the record lacks, e.g. a token not in the description, is not a difference).
     */
    private static boolean sameHashes(Map<String, String> recorded, Map<String, String> adopted) {
        return adopted.entrySet().stream().allMatch(e -> e.getValue().equals(recorded.get(e.getKey())));
    }

    /** Who waits for whom, restricted to resources that change. */
    static Map<ResourceAddress, Set<ResourceAddress>> dependencies(List<ResourceChange> work) {
        return dependencies(work, work);
    }

    /**
     * Who waits for whom, restricted to resources that change; a dependency that does not change passes its own on
     * (k3s_server on runtime, unchanged, on kernel_params, rebooting the node: the server waits for the reboot).
     */
    static Map<ResourceAddress, Set<ResourceAddress>> dependencies(List<ResourceChange> work, List<ResourceChange> all) {
        Map<ResourceAddress, ResourceChange> byAddress = new LinkedHashMap<>();
        work.forEach(c -> byAddress.put(c.address(), c));
        Map<ResourceAddress, ResourceChange> unchanged = new LinkedHashMap<>();
        all.stream().filter(c -> !byAddress.containsKey(c.address())).forEach(c -> unchanged.put(c.address(), c));
        Map<ResourceAddress, Set<ResourceAddress>> waits = new HashMap<>();
        for (ResourceChange c : work) {
            Set<ResourceAddress> w = new HashSet<>();
            if (c.action() == Action.DELETE) {
                for (ResourceChange other : work) {
                    if (other.action() == Action.DELETE && other.dependencies().contains(c.address())) {
                        w.add(other.address());
                    }
                }
            } else {
                java.util.Deque<ResourceAddress> todo = new java.util.ArrayDeque<>(c.dependencies());
                Set<ResourceAddress> seen = new HashSet<>();
                while (!todo.isEmpty()) {
                    ResourceAddress d = todo.pop();
                    if (!seen.add(d)) {
                        continue;
                    }
                    ResourceChange dep = byAddress.get(d);
                    if (dep != null && dep.action() != Action.DELETE) {
                        w.add(d);
                    } else if (dep == null && unchanged.containsKey(d)) {
                        todo.addAll(unchanged.get(d).dependencies());
                    }
                }
            }
            waits.put(c.address(), w);
        }
        return waits;
    }

    private ApplyResult walk(List<ResourceChange> work, Map<ResourceAddress, Set<ResourceAddress>> waitsFor,
                             StateRecorder recorder) throws StateException {
        int parallelism = Math.max(1, ctx.options().parallelism());
        Turns disruption = new Turns(Math.max(1, ctx.options().maxUnavailable()));
        Turns member = new Turns(1);
        // Nodes a running change reboots (main thread only): another change that reboots one waits in pending.
        Map<ResourceAddress, String> rebooting = new HashMap<>();
        AtomicInteger threadNo = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "pictl-apply-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelism, tf);
        CompletionService<Outcome> done = new ExecutorCompletionService<>(pool);
        List<ResourceChange> pending = new ArrayList<>(work);
        Map<ResourceAddress, Outcome> finished = new LinkedHashMap<>();
        List<Outcome> order = new ArrayList<>();
        int running = 0;
        StateException stateError = null;
        try {
            while (!pending.isEmpty() || running > 0) {
                boolean progress = true;
                while (progress) {
                    progress = false;
                    for (ResourceChange c : new ArrayList<>(pending)) {
                        String blocked = blockedBy(c, waitsFor, finished);
                        if (blocked != null) {
                            pending.remove(c);
                            Outcome s = new Outcome.Skipped(c.address(), c.action(), blocked);
                            finished.put(c.address(), s);
                            order.add(s);
                            hook.skipped(c.address(), blocked);
                            progress = true;
                        }
                    }
                }
                boolean stop = cancelled.get() || stateError != null;
                if (stop) {
                    String why = stateError != null ? "the state could not be saved" : "the apply was interrupted";
                    for (ResourceChange c : pending) {
                        Outcome s = new Outcome.Skipped(c.address(), c.action(), why);
                        finished.put(c.address(), s);
                        order.add(s);
                        hook.skipped(c.address(), why);
                    }
                    pending.clear();
                }
                for (ResourceChange c : new ArrayList<>(pending)) {
                    if (running >= parallelism) {
                        break;
                    }
                    if (ready(c, waitsFor, finished)) {
                        boolean reboots = c.reboot() && c.node() != null;
                        if (reboots && rebooting.containsValue(c.node())) {
                            continue; // its board reboots for another change now; after that, it finds its edit made
                        }
                        pending.remove(c);
                        running++;
                        boolean out = disruptive(c);
                        List<ResourceChange> alsoEdit = List.of();
                        if (reboots) {
                            rebooting.put(c.address(), c.node());
                            alsoEdit = pending.stream().filter(p -> p.reboot() && c.node().equals(p.node())
                                    && ready(p, waitsFor, finished)).toList();
                        }
                        List<ResourceChange> edits = alsoEdit;
                        // Turns are queued here, in the plan's order, so nodes roll in that order. A quorum member
                        // queues for max_unavailable only once it has the members' turn: waiting for that, it blocks
                        // no agent behind it.
                        Turns.Turn memberTurn = out && ctx.quorumMember(c.node()) ? member.ticket() : null;
                        Turns.Turn queued = out && memberTurn == null ? disruption.ticket() : null;
                        java.util.function.Supplier<Turns.Turn> outTurn = !out ? () -> null
                                : memberTurn == null ? () -> queued : disruption::ticket;
                        done.submit(() -> run(c, recorder, outTurn, memberTurn, edits));
                    }
                }
                if (running == 0) {
                    if (!pending.isEmpty()) {
                        throw new IllegalStateException("apply is stuck: " + pending.stream().map(ResourceChange::address).toList());
                    }
                    break;
                }
                Outcome o;
                try {
                    o = done.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled.set(true);
                    continue;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof StateFailure sf) {
                        stateError = sf.cause;
                        running--;
                        continue;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                running--;
                rebooting.remove(o.address());
                finished.put(o.address(), o);
                order.add(o);
            }
        } finally {
            pool.shutdown();
        }
        if (stateError != null) {
            throw stateError;
        }
        return new ApplyResult(order, cancelled.get(), recorder.current().serial());
    }

    /** A state write failed inside a task: carried out of the pool to stop the walk. */
    private static final class StateFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient StateException cause;

        StateFailure(StateException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    /**
     * @param outTurn    its place for the {@code maxUnavailable} slots, when the change takes a node out of service
     *                   (null otherwise); a quorum member's is queued once it has the members' turn
     * @param member     its place for the quorum members' one slot, when that node is a quorum member (taken first:
     *                   a member waiting for its turn holds no slot an agent could use)
     * @param alsoEdit   changes that reboot the same node, still pending, whose edits are made before this change's
     *                   reboot ({@link Executor#prepareForReboot})
     */
    private Outcome run(ResourceChange c, StateRecorder recorder, java.util.function.Supplier<Turns.Turn> outTurn,
                        Turns.Turn member, List<ResourceChange> alsoEdit) {
        long start = System.nanoTime();
        hook.started(c.address(), c.action());
        Turns.Turn disruption = member == null ? outTurn.get() : null;
        try {
            if (member != null) {
                ctx.step(c.address(), "wait for its turn (one etcd member at a time)");
                member.acquire();
                disruption = outTurn.get();
            }
            if (disruption != null) {
                ctx.step(c.address(), "wait for its turn (max_unavailable " + ctx.options().maxUnavailable() + ")");
                disruption.acquire();
                String why = cancelled.get() ? "the apply was interrupted" // its turn came after Ctrl-C
                        : rollStopped.get() != null ? "the roll stopped: " + rollStopped.get() : null;
                if (why != null) {
                    // It has not started, and it does not: no node is taken out of service after that.
                    hook.skipped(c.address(), why);
                    return new Outcome.Skipped(c.address(), c.action(), why);
                }
            }
            // The plan holds hashes of sensitive values; the executor gets them in clear, the state their hashes.
            ResourceChange clear = ctx.reveal(c);
            try {
                recorder.inProgress(c, recorded -> ctx.claimed(c, clear, recorded));
            } catch (StateException e) {
                throw new StateFailure(e);
            }
            Executor exec = executors.of(c.address().type());
            for (ResourceChange p : alsoEdit) {
                prepare(c, p, recorder);
            }
            if (c.action() == Action.DELETE) {
                exec.delete(clear, ctx);
                if (member != null) {
                    executors.awaitQuorumMember(c, c.node(), ctx);
                }
                recorder.deleted(c.address());
            } else {
                Recorded r = exec.apply(clear, ctx);
                if (member != null) {
                    // Before the record: a member that does not come back healthy fails the change and stops the
                    // roll, and the next plan finds what was done and adopts it.
                    executors.awaitQuorumMember(c, c.node(), ctx);
                }
                recorder.succeeded(c, ctx.masked(c, r));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            hook.succeeded(c.address(), c.action(), elapsed);
            return new Outcome.Succeeded(c.address(), c.action(), elapsed);
        } catch (ApplyException raw) {
            ApplyException e = ctx.redacted(raw);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (disruption != null) {
                // A node taken out of service did not come back as it should: freeing its slot would take the next
                // one down while this one is still down (or cordoned).
                rollStopped.compareAndSet(null, c.address() + " failed");
            }
            hook.failed(c.address(), c.action(), elapsed, e);
            return new Outcome.Failed(c.address(), c.action(), elapsed, e);
        } catch (StateException e) {
            throw new StateFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ApplyException ae = new ApplyException(c.node(), "apply", "interrupted", null, e);
            return new Outcome.Failed(c.address(), c.action(), Duration.ofNanos(System.nanoTime() - start), ae);
        } catch (StateFailure e) {
            throw e; // a state write failed (marking it in progress): the walk stops, not an internal error
        } catch (RuntimeException e) {
            ApplyException ae = ctx.redacted(new ApplyException(c.node(), "apply " + c.address(), "internal error: " + e,
                    "this is a bug in pictl; please report it with PICTL_DEBUG=1 output", e));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            hook.failed(c.address(), c.action(), elapsed, ae);
            return new Outcome.Failed(c.address(), c.action(), elapsed, ae);
        } finally {
            if (disruption != null) {
                disruption.done();
            }
            if (member != null) {
                member.done();
            }
        }
    }

    /**
     * Makes {@code p}'s edit before {@code c} reboots their node. It is marked in progress first, as if it ran (a cut-off
     * apply leaves it for the next plan to find and adopt). A failure here is not {@code c}'s: {@code p} makes its edit
     * itself when its turn comes, and reports what fails then.
     */
    private void prepare(ResourceChange c, ResourceChange p, StateRecorder recorder) {
        if (cancelled.get() || rollStopped.get() != null) {
            return;
        }
        try {
            ResourceChange clear = ctx.reveal(p);
            recorder.inProgress(p, recorded -> ctx.claimed(p, clear, recorded));
            if (executors.of(p.address().type()).prepareForReboot(clear, ctx)) {
                ctx.step(c.address(), "also edit for " + p.address() + " (one reboot of " + c.node() + " for both)");
            }
        } catch (StateException e) {
            throw new StateFailure(e);
        } catch (ApplyException e) {
            LOG.debug("{}: edit for {} before the reboot failed; it runs on its own: {}", c.address(), p.address(),
                    ctx.redacted(e).getMessage());
        }
    }

    /**
     * A change that takes a node already in the cluster out of service: a reboot of a drained node, or a k3s
     * upgrade of a running server or agent.
     */
    boolean disruptive(ResourceChange c) {
        return c.reboot() && c.drain() || executors.of(c.address().type()).takesNodeOutOfService(c);
    }

    private static boolean ready(ResourceChange c, Map<ResourceAddress, Set<ResourceAddress>> waitsFor,
                                 Map<ResourceAddress, Outcome> finished) {
        for (ResourceAddress d : waitsFor.getOrDefault(c.address(), Set.of())) {
            if (!(finished.get(d) instanceof Outcome.Succeeded)) {
                return false;
            }
        }
        return true;
    }

    /** Why a change can never start (a dependency failed or was skipped), or null. */
    private static String blockedBy(ResourceChange c, Map<ResourceAddress, Set<ResourceAddress>> waitsFor,
                                    Map<ResourceAddress, Outcome> finished) {
        for (ResourceAddress d : waitsFor.getOrDefault(c.address(), Set.of())) {
            Outcome o = finished.get(d);
            if (o instanceof Outcome.Failed) {
                return d + " failed";
            }
            if (o instanceof Outcome.Skipped s) {
                return s.why().endsWith(" failed") ? s.why() : d + " was skipped";
            }
        }
        return null;
    }
}
