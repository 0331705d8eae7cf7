package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.Differ;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.Masking;
import dev.pictl.state.State;
import dev.pictl.state.SecretHasher;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What executors use to reach nodes, and what they may learn of the description beyond the plan ({@link Described}). Thread-safe: executors of different resources
 * run in parallel. Sessions are opened once per node and reused; after a reboot an executor calls
 * {@link #reconnect}.
 */
public final class ApplyContext {
    private final Transport transport;
    private final Map<String, NodeTarget> targets;
    private final Described described;
    private final dev.pictl.plan.kind.Kinds kinds;
    private final SecretHasher hasher;
    private final ApplyOptions options;
    private final ApplyHook hook;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final java.util.function.UnaryOperator<ResourceChange> revealer;
    private final dev.pictl.diag.Redactor redactor;
    private final String serverNode;
    private final java.util.List<String> quorumMembers;
    private volatile RebootJournal journal = (address, node, bootId) -> { };
    private volatile java.util.concurrent.atomic.AtomicBoolean cancelled =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Where an executor records a reboot before it schedules it (the walker's state recorder). */
    @FunctionalInterface
    public interface RebootJournal {
        /**
         * Records that {@code node} is about to be rebooted while {@code address} changes, ending boot
         * {@code bootId}; when this returns, the record is saved.
         */
        void rebootScheduled(ResourceAddress address, String node, String bootId) throws ApplyException;
    }

    /**
     * @param described  what apply may learn from the description beyond the plan ({@link Described}): never the
     *                   description itself
     * @param revealer   gives a planned change its sensitive attributes in clear for the executor
     *                   ({@code Differ.reveal}, with the probe and state the plan was made from)
     * @param serverNode the node that runs the cluster's API server (the registry's endpoint), through which
     *                   executors reach the cluster ({@link Kubectl}); null when the description has none
     */
    public ApplyContext(Transport transport, Map<String, NodeTarget> targets, Described described,
                        dev.pictl.plan.kind.Kinds kinds, SecretHasher hasher, ApplyOptions options, ApplyHook hook,
                        java.util.function.UnaryOperator<ResourceChange> revealer, String serverNode) {
        this(transport, targets, described, kinds, hasher, options, hook, revealer, serverNode, java.util.List.of());
    }

    /**
     * @param quorumMembers the nodes whose datastore needs a quorum ({@link
     *                      dev.pictl.plan.kind.ClusterEndpoint#quorumMembers}): the walker takes them out of service
     *                      one at a time
     */
    public ApplyContext(Transport transport, Map<String, NodeTarget> targets, Described described,
                        dev.pictl.plan.kind.Kinds kinds, SecretHasher hasher, ApplyOptions options, ApplyHook hook,
                        java.util.function.UnaryOperator<ResourceChange> revealer, String serverNode,
                        java.util.List<String> quorumMembers) {
        this.serverNode = serverNode;
        this.quorumMembers = java.util.List.copyOf(quorumMembers);
        this.kinds = kinds;
        this.revealer = revealer;
        this.described = described;
        this.redactor = described.redactor();
        this.transport = transport;
        this.targets = Map.copyOf(targets);
        this.hasher = hasher;
        this.options = options;
        this.hook = hook;
    }

    /**
     * The context of an apply of {@code config}'s plan outside the engine (a test's executor over a fake transport or
     * a simulator): its secrets revealed from the description alone (no probe), the server node from the registry's
     * endpoint.
     */
    public static ApplyContext forDescription(Transport transport, Map<String, NodeTarget> targets, Config config,
                                              dev.pictl.plan.kind.Kinds kinds, SecretHasher hasher,
                                              ApplyOptions options, ApplyHook hook) {
        return new ApplyContext(transport, targets, Described.of(config), kinds, hasher, options, hook,
                config == null ? c -> c : c -> Differ.reveal(kinds, c, config, Map.of(), State.empty(), hasher),
                config == null ? null : kinds.endpoint(config).map(dev.pictl.plan.kind.ClusterEndpoint::node)
                        .orElse(null),
                config == null ? java.util.List.of() : kinds.endpoint(config)
                        .map(dev.pictl.plan.kind.ClusterEndpoint::quorumMembers).orElse(java.util.List.of()));
    }

    public ApplyOptions options() {
        return options;
    }

    public SecretHasher hasher() {
        return hasher;
    }

    /** What apply may learn from the description beyond the plan. */
    public Described described() {
        return described;
    }

    /** Set by the walker before it starts: the flag Ctrl-C sets. */
    void cancellation(java.util.concurrent.atomic.AtomicBoolean cancelled) {
        this.cancelled = cancelled;
    }

    /**
     * Whether the apply was interrupted. Long waits (a reboot) give up when it is: what they waited for is on record
     * (see {@link #rebootScheduled}), and the next run waits for it instead.
     */
    public boolean cancelled() {
        return cancelled.get();
    }

    /** Set by the walker before it starts: where {@link #rebootScheduled} records. */
    void journal(RebootJournal journal) {
        this.journal = journal;
    }

    /**
     * Saves, before a reboot is scheduled, that it is about to be: a run cut off in the reboot window then leaves the
     * next run knowing to wait for the board (see {@code engine.RebootWait}).
     */
    public void rebootScheduled(ResourceAddress address, String node, String bootId) throws ApplyException {
        journal.rebootScheduled(address, node, bootId);
    }

    /** Reports a step of a resource to the progress hook (without any secret it names, e.g. a sensitive path). */
    public void step(ResourceAddress address, String step) {
        hook.step(address, redactor.redact(step));
    }

    /** The change as its executor needs it: sensitive attributes in clear (never shown, never stored). */
    ResourceChange reveal(ResourceChange change) {
        return revealer.apply(change);
    }

    /**
     * What the state records for a change: the executor's record with every sensitive attribute of the change
     * moved to its keyed hash, whatever the executor returned.
     */
    Recorded masked(ResourceChange change, Recorded recorded) {
        Map<String, Object> attributes = new java.util.LinkedHashMap<>(recorded.attributes());
        Map<String, String> hashes = new java.util.LinkedHashMap<>(recorded.sensitiveHashes());
        Map<String, Object> masked = Masking.mask(attributes, change.sensitive(), kinds.of(change.address().type()),
                hasher::hash);
        dev.pictl.plan.kind.Kind kind = kinds.of(change.address().type());
        for (String k : change.sensitive()) {
            Object v = dev.pictl.diag.Redactor.SHOWN.equals(attributes.get(k)) ? null : masked.get(k);
            Object clear = attributes.remove(k);
            if (Masking.isHash(v)) {
                hashes.put(k, (String) v);
            }
            if (kind.hashedByElement().contains(k)) {
                attributes.put(k + "_hashes", elementHashes(List.of(), clear));
            }
        }
        return new Recorded(attributes, hashes);
    }

    /**
     * What the {@code in_progress} entry of a change claims ({@link dev.pictl.plan.kind.Kind#claimed}), from the
     * recorded attributes and the change in clear ({@code clear}), with no sensitive value in it: a sensitive
     * attribute stays only as the hash already recorded, and one hashed by element adds the hashes of the elements
     * the change is about to write to those recorded ({@code NAME_hashes}).
     */
    Map<String, Object> claimed(ResourceChange change, ResourceChange clear, Map<String, Object> recorded) {
        dev.pictl.plan.kind.Kind kind = kinds.of(change.address().type());
        Map<String, Object> claimed = new java.util.LinkedHashMap<>(kind.claimed(recorded, clear.after()));
        for (String k : change.sensitive()) {
            claimed.remove(k);
            if (kind.hashedByElement().contains(k) && clear.after() != null) {
                claimed.put(k + "_hashes", elementHashes(recorded.get(k + "_hashes"), clear.after().get(k)));
            }
        }
        return claimed;
    }

    /** The sorted, distinct union of the hashes already kept and the keyed hashes of {@code values}' elements. */
    private List<String> elementHashes(Object kept, Object values) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        if (kept instanceof java.util.Collection<?> c) {
            c.stream().filter(Masking::isHash).forEach(h -> out.add((String) h));
        }
        if (values instanceof java.util.Collection<?> c) {
            c.forEach(x -> out.add(hasher.hash(String.valueOf(x))));
        }
        return List.copyOf(out);
    }

    /** The failure without any secret in its message or hint (a node's error output may echo one). */
    ApplyException redacted(ApplyException e) {
        String message = redactor.redact(e.getMessage());
        String hint = redactor.redact(e.hint());
        if (message.equals(e.getMessage()) && hint.equals(e.hint()) && redactor.redact(e.step()).equals(e.step())) {
            return e;
        }
        return ApplyException.withMessage(e, message, redactor.redact(e.step()), hint);
    }

    /** The planner's view of a resource type (what its state entries mean). */
    public dev.pictl.plan.kind.Kind kind(String type) {
        return kinds.of(type);
    }

    /** The node's session, opened on first use. */
    public Session session(String node, String step) throws ApplyException {
        Session s = sessions.get(node);
        if (s != null && s.isOpen()) {
            return s;
        }
        NodeTarget target = targets.get(node);
        if (target == null) {
            throw new ApplyException(node, step, "no way to reach this node (it is neither in the description nor "
                    + "in the simulator)", "add the node back to the description to change it");
        }
        try {
            s = transport.open(target);
        } catch (TransportException e) {
            throw wrap(node, step, e);
        }
        sessions.put(node, s);
        return s;
    }

    /** Forgets the node's session (after a reboot dropped it); the next use opens a new one. */
    public void reconnect(String node) {
        Session s = sessions.remove(node);
        if (s != null) {
            try {
                s.close();
            } catch (Exception ignored) {
                // the connection is gone already
            }
        }
    }

    /** Runs a script on a node (as root when {@code sudo}); a non-zero exit is returned, not thrown. */
    public ExecResult run(String node, String step, String script, boolean sudo, Duration limit) throws ApplyException {
        RemoteCommand cmd = RemoteCommand.of(step, script).withTimeout(limit);
        if (sudo) {
            cmd = cmd.asRoot();
        }
        try {
            return session(node, step).exec(cmd);
        } catch (TransportException e) {
            throw wrap(node, step, e);
        }
    }

    public ExecResult run(String node, String step, String script, boolean sudo) throws ApplyException {
        return run(node, step, script, sudo, options.commandTimeout());
    }

    /** Runs a script as root and fails with its stderr tail unless it exits 0. */
    public ExecResult check(String node, String step, String script) throws ApplyException {
        ExecResult r = run(node, step, script, true);
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "command exited " + r.exitCode() + ": " + r.outputTail(5), null);
        }
        return r;
    }

    public static ApplyException wrap(String node, String step, TransportException e) {
        String msg = e.getMessage();
        String prefix = node + ": ";
        if (msg.startsWith(prefix)) {
            msg = msg.substring(prefix.length());
        }
        if (msg.startsWith(step + ": ")) {
            msg = msg.substring(step.length() + 2);
        }
        return new ApplyException(node, step, msg, e.hint(), e);
    }

    /**
     * The value behind a secret handle (a sensitive attribute of a described resource), resolved from the variables
     * apply runs with: the plan never carries secrets.
     */
    public Optional<String> secret(ResourceAddress address, String attribute) {
        return described.secret(address, attribute);
    }

    /** The node that runs the cluster's API server, if the description has one. */
    public Optional<String> serverNode() {
        return Optional.ofNullable(serverNode);
    }

    /** The nodes that hold the cluster's datastore in a quorum, the first first; empty for a single server. */
    public java.util.List<String> quorumMembers() {
        return quorumMembers;
    }

    /** Whether {@code node} holds the cluster's datastore in a quorum (a server of several, with embedded etcd). */
    public boolean quorumMember(String node) {
        return node != null && quorumMembers.contains(node);
    }

    /**
     * Why the node cannot be reached at all (refused, no route, no answer, or no target), or empty when it can. A
     * connection lost on an old session is retried once on a new one: only a board that cannot be connected to
     * counts as dead. Deletes on a node that left the description use it: a dead board is forgotten, not failed.
     */
    public Optional<String> unreachable(String node) throws ApplyException {
        if (!targets.containsKey(node)) {
            return Optional.of("no address for it: the state recorded none");
        }
        for (int attempt = 0; ; attempt++) {
            try {
                run(node, "connect", "true", false, Duration.ofSeconds(30));
                return Optional.empty();
            } catch (ApplyException e) {
                if (!(e.getCause() instanceof TransportException t)) {
                    throw e;
                }
                if (t.kind() == TransportException.Kind.CONNECTION_LOST && attempt == 0) {
                    reconnect(node);
                    continue;
                }
                if (t.kind() == TransportException.Kind.UNREACHABLE || t.kind() == TransportException.Kind.TIMED_OUT) {
                    return Optional.of(t.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(node + ": "), ""));
                }
                throw e;
            }
        }
    }

    /** The node's LAN address as the description gives it; null when the description no longer has the node. */
    public String nodeAddress(String node) {
        return described.nodeAddress(node);
    }
}
