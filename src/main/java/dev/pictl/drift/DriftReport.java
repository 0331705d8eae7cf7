package dev.pictl.drift;

import dev.pictl.addr.ResourceAddress;
import java.util.List;
import java.util.Objects;

/**
 * What {@code pictl drift} found: changes made outside pictl since the last apply, nodes it could not reach,
 * health findings, description edits not applied yet, and what ignore rules left out. The exit code follows
 * from it ({@link #exitCode()}), so every front end agrees.
 *
 * @param cluster      the cluster's name
 * @param pictlVersion the pictl that made it
 * @param state        the state file read (never written)
 * @param drift        resources changed outside pictl, ignored attributes removed
 * @param unreadable   resources on reachable nodes that could not be read (counted as drift)
 * @param unreachable  nodes that could not be probed, with the resources left unchecked
 * @param health       health findings not ignored
 * @param unapplied    description edits not applied yet (counted only with {@code includeUnapplied})
 * @param unfinished   resources the last apply left {@code in_progress} (counted as drift: apply completes them)
 * @param ignored      what ignore rules left out
 * @param nodes        every described node's facts, for the machine-readable report
 * @param options      how the run was asked to count
 */
public record DriftReport(String cluster, String pictlVersion, StateInfo state, List<Drifted> drift,
                          List<Unreadable> unreadable, List<Unreachable> unreachable, List<HealthItem> health,
                          List<Unapplied> unapplied, List<Unfinished> unfinished, List<Ignored> ignored,
                          List<NodeStatus> nodes, Options options) {
    /** Exit codes, in order of precedence: error 1 > unreachable 3 > drift 2 > clean 0. */
    public static final int CLEAN = 0;
    public static final int ERROR = 1;
    public static final int DRIFT = 2;
    public static final int UNREACHABLE = 3;

    public DriftReport {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(options, "options");
        drift = List.copyOf(drift);
        unreadable = List.copyOf(unreadable);
        unreachable = List.copyOf(unreachable);
        health = List.copyOf(health);
        unapplied = List.copyOf(unapplied);
        unfinished = List.copyOf(unfinished);
        ignored = List.copyOf(ignored);
        nodes = List.copyOf(nodes);
    }

    /**
     * @param includeUnapplied whether description edits not applied yet count as drift
     * @param failOnHealth     whether non-advisory health findings count as drift
     */
    public record Options(boolean includeUnapplied, boolean failOnHealth) {
    }

    /**
     * The state file drift compared against.
     *
     * @param path    as the user named it (or the default beside the description)
     * @param exists  false when there is none: nothing was applied yet, so nothing can have drifted
     * @param lineage its lineage, or null
     * @param serial  its serial, 0 without a file
     */
    public record StateInfo(String path, boolean exists, String lineage, long serial) {
    }

    /**
     * One attribute that changed: what the state recorded ({@code was}) against what the node shows ({@code is});
     * for an unapplied edit, the state's value against the description's. Sensitive values are never held here.
     */
    public record AttributeDrift(String name, Object was, Object is, boolean sensitive) {
    }

    /**
     * A resource changed outside pictl.
     *
     * @param gone       the resource is no longer there at all
     * @param attributes the attributes that changed (for a gone resource: what the state had recorded)
     */
    public record Drifted(ResourceAddress address, String node, boolean gone, List<AttributeDrift> attributes) {
        public Drifted {
            attributes = List.copyOf(attributes);
        }
    }

    /** A resource in the state that could not be read on a reachable node (e.g. cmdline.txt gone). */
    public record Unreadable(ResourceAddress address, String node, String reason) {
    }

    /**
     * A node that could not be probed.
     *
     * @param address    as described
     * @param reason     what went wrong (the transport's message)
     * @param hint       what to check, or empty
     * @param notChecked the state's resources on it, unchecked
     */
    public record Unreachable(String node, String address, String reason, String hint, List<ResourceAddress> notChecked) {
        public Unreachable {
            notChecked = List.copyOf(notChecked);
        }
    }

    /**
     * A health finding (see {@code probe.Health} for the codes).
     *
     * @param error an error-level finding (a certificate about to expire, a full disk): counts for the exit code
     *              without {@code failOnHealth} (issue 15)
     */
    public record HealthItem(String node, String code, String message, boolean advisory, boolean error) {
        public HealthItem(String node, String code, String message, boolean advisory) {
            this(node, code, message, advisory, false);
        }

        /** {@code error}, {@code warning} or {@code advisory}. */
        public String level() {
            return error ? "error" : advisory ? "advisory" : "warning";
        }
    }

    /**
     * A description edit not applied yet.
     *
     * @param action     {@code create} (not in the state), {@code update}, {@code delete} (only in the state)
     * @param unfinished the last apply started it and did not finish (state status in_progress)
     */
    public record Unapplied(ResourceAddress address, String node, String action, boolean unfinished,
                            List<AttributeDrift> attributes) {
        public Unapplied {
            attributes = List.copyOf(attributes);
        }
    }

    /**
     * A resource the last apply was changing when it stopped (state status {@code in_progress}): what its node shows
     * may be pictl's own half-done work, so it is not compared as drift; {@code pictl apply} completes or records it.
     */
    public record Unfinished(ResourceAddress address, String node) {
    }

    /**
     * Something an ignore rule left out.
     *
     * @param what      the resource address, or {@code health.NODE} for a finding
     * @param attribute the attribute or finding code, or null for a whole resource
     * @param rule      the rule that matched, as written
     */
    public record Ignored(String what, String attribute, String rule) {
    }

    /**
     * A described node as probed: null fields are unknown (unreachable node, no vcgencmd, ...).
     *
     * @param throttled       {@code vcgencmd get_throttled} as printed, e.g. {@code 0x50005}
     * @param throttledMeaning the meaning of each set bit
     * @param ready           the k3s Node's Ready condition (null when the server could not say)
     */
    public record NodeStatus(String name, String address, boolean reachable, String model, String bootDevice,
                             Double temperatureC, String throttled, List<String> throttledMeaning, Long memTotalKb,
                             Boolean ready) {
        public NodeStatus {
            throttledMeaning = throttledMeaning == null ? List.of() : List.copyOf(throttledMeaning);
        }
    }

    /**
     * Health findings that count for the exit code: error-level ones always (a cron job run with {@code --quiet} must
     * mail a certificate that expires next week), the other non-advisory ones with {@code failOnHealth}.
     */
    public List<HealthItem> failingHealth() {
        return health.stream().filter(h -> h.error() || (options.failOnHealth() && !h.advisory())).toList();
    }

    /**
     * Whether anything counts as drift: changes outside pictl, unreadable resources, unfinished entries, and per the
     * options more.
     */
    public boolean drifted() {
        return !drift.isEmpty() || !unreadable.isEmpty() || !unfinished.isEmpty() || !failingHealth().isEmpty()
                || (options.includeUnapplied() && !unapplied.isEmpty());
    }

    /** 3 when a node was unreachable, else 2 on drift, else 0 (errors, 1, never get a report). */
    public int exitCode() {
        if (!unreachable.isEmpty()) {
            return UNREACHABLE;
        }
        return drifted() ? DRIFT : CLEAN;
    }

    /** {@code clean}, {@code drift} or {@code unreachable}, as in the JSON. */
    public String result() {
        return switch (exitCode()) {
            case UNREACHABLE -> "unreachable";
            case DRIFT -> "drift";
            default -> "clean";
        };
    }
}
