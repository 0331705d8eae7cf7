package dev.pictl.plan.kind;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import java.util.Map;
import java.util.Optional;

/**
 * What every {@link Kind} may consult while planning: the description, the probe outcomes by node, the state
 * of the last apply, the secret hasher and the diagnostics collector.
 */
public final class PlanContext {
    private final Kinds kinds;
    private final Config config;
    private final Map<String, ProbeOutcome> probes;
    private final State state;
    private final SecretHasher hasher;
    private final Diagnostics diags;
    private final dev.pictl.diag.Redactor redactor;
    private final Optional<ClusterEndpoint> endpoint;
    private final boolean upgradeOs;
    private final java.util.List<dev.pictl.plan.Plan.UpdatesAvailable> updates =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    public PlanContext(Kinds kinds, Config config, Map<String, ProbeOutcome> probes, State state, SecretHasher hasher,
                       Diagnostics diags) {
        this(kinds, config, probes, state, hasher, diags, false);
    }

    /** @param upgradeOs whether pending OS updates are to be installed ({@code --upgrade-os}) */
    public PlanContext(Kinds kinds, Config config, Map<String, ProbeOutcome> probes, State state, SecretHasher hasher,
                       Diagnostics diags, boolean upgradeOs) {
        this.upgradeOs = upgradeOs;
        this.kinds = kinds;
        this.config = config;
        this.probes = Map.copyOf(probes);
        this.state = state;
        this.hasher = hasher;
        this.diags = diags;
        this.redactor = config.redactor();
        this.endpoint = kinds.endpoint(config);
    }

    /** Whether the plan installs pending OS updates ({@code --upgrade-os}). */
    public boolean upgradeOs() {
        return upgradeOs;
    }

    /** Lists OS updates available on a node in the plan's own section (not a change; {@link Kind#advise}). */
    public void updatesAvailable(dev.pictl.plan.Plan.UpdatesAvailable u) {
        updates.add(u);
    }

    /** What {@link #updatesAvailable} was given, in the order given. */
    public java.util.List<dev.pictl.plan.Plan.UpdatesAvailable> updates() {
        synchronized (updates) {
            return java.util.List.copyOf(updates);
        }
    }

    /** Every resource type's planner view. */
    public Kinds kinds() {
        return kinds;
    }

    public Config config() {
        return config;
    }

    public State state() {
        return state;
    }

    public Diagnostics diagnostics() {
        return diags;
    }

    /** The observation of a node, if it was probed successfully. */
    public Optional<NodeObservation> observation(String node) {
        return probes.get(node) instanceof ProbeOutcome.Observed o ? Optional.of(o.observation()) : Optional.empty();
    }

    /** Why a node has no observation: its transport failure, or "not probed". */
    public String unreachableReason(String node) {
        ProbeOutcome o = probes.get(node);
        if (o instanceof ProbeOutcome.Failed f) {
            return f.cause().getMessage();
        }
        return o == null ? node + ": not probed" : null;
    }

    /** How the cluster is reached (the registry's {@link Kinds#endpoint}), if the description has a server. */
    public Optional<ClusterEndpoint> endpoint() {
        return endpoint;
    }

    /** The node that runs the cluster's API server, if the description has one. */
    public Optional<String> serverNode() {
        return endpoint.map(ClusterEndpoint::node);
    }

    /** The address a node is reached at on the LAN, as the description gives it. */
    public String nodeAddress(String node) {
        return config.instance(dev.pictl.addr.ResourceAddress.of(dev.pictl.resource.Schemas.NODE_TYPE, node))
                .map(n -> n.string("address")).orElse(null);
    }

    /** Whether the node's described address is sensitive. */
    public boolean nodeAddressSensitive(String node) {
        return config.instance(dev.pictl.addr.ResourceAddress.of(dev.pictl.resource.Schemas.NODE_TYPE, node))
                .flatMap(n -> n.value("address")).map(Value::holdsSensitive).orElse(false);
    }

    /** What free text made while planning must not show ({@link Config#redactor()}). */
    public dev.pictl.diag.Redactor redactor() {
        return redactor;
    }

    /** A value as the plan holds a sensitive attribute's: its keyed hash ({@link Masking}). */
    public Map<String, Object> mask(Map<String, Object> attributes, java.util.Set<String> sensitive, Kind kind) {
        return Masking.mask(attributes, sensitive, kind, hasher::hash);
    }

    public String hash(String secret) {
        return hasher.hash(secret);
    }

    public boolean hashMatches(String secret, String hash) {
        return hasher.matches(secret, hash);
    }

    /** A sensitive string attribute's value, or null when unset or unknown. */
    public static String secret(ResourceInstance i, String attribute) {
        return i.attributes().get(attribute) instanceof Value.Str s ? s.value() : null;
    }
}
