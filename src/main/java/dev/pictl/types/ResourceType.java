package dev.pictl.types;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.ResourceBlock;
import dev.pictl.graph.GraphType;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Optional;

/**
 * One resource type, whole: what the language, the planner and the applier need of it. Each type lives in the
 * package of its family ({@code types.host}, {@code types.k3s}, {@code types.storage}) with everything that is its
 * own, and {@link ResourceTypes#standard()} lists it. See docs/architecture.md, "Adding a resource type".
 *
 * <ul>
 *   <li>{@link #schema()}, {@link #labelRule()}, {@link #instanceNode} and {@link #check}: its block, its name
 *       rule, the node an instance is on and its own validation rules ({@link ResourceBlock});</li>
 *   <li>{@link #domainEdges}: what its instances come after beyond their references ({@link GraphType});</li>
 *   <li>{@link #kind()}: desired and observed values, diff rules, replace reasons, reboots (plan);</li>
 *   <li>{@link #executor()}: the node-side changes (apply);</li>
 *   <li>{@link #endpoint}: for the type that runs the cluster's API server, how the cluster is reached.</li>
 *   <li>{@link #probe()} and {@link #probeAsks}: what it reads of the node's probe, and asks of it.</li>
 * </ul>
 */
public interface ResourceType extends ResourceBlock, GraphType {
    @Override
    default String name() {
        return ResourceBlock.super.name();
    }

    /** The planner's view of the type; its {@link Kind#type()} is {@link #name()}. */
    Kind kind();

    /** What changes the type on the nodes; its {@link Executor#type()} is {@link #name()}. */
    Executor executor();

    /**
     * How the cluster is reached when this type runs its API server in the description (the k3s server); empty for
     * every other type. The registry takes the first type that gives one ({@link ResourceTypes#endpoint}).
     */
    default Optional<ClusterEndpoint> endpoint(Config config) {
        return Optional.empty();
    }

    /**
     * The fragments of the node's probe this type reads ({@link dev.pictl.probe.NodeObservation#part}): its own, its
     * family's, or the probe's ({@link dev.pictl.probe.NodeProbe}). A fragment listed by several types runs once, where
     * it is first listed; the registry's order is the script's order.
     */
    default List<ProbeFragment<?>> probe() {
        return List.of();
    }

    /**
     * What a resource of this type asks of its node's probe beyond the fragments' defaults (the server's kubectl
     * snapshot, a PV's directory), one request per node concerned; none by default.
     */
    default List<ProbeRequest> probeAsks(ResourceInstance resource) {
        return List.of();
    }

    /**
     * What a resource the state recorded asks of the node it was recorded on (a PV's directory, read where the
     * volume is even when the description moves it); none by default.
     */
    default List<ProbeRequest> probeAsks(ResourceState recorded) {
        return List.of();
    }

    /**
     * {@link #probeAsks(ResourceInstance)} with the description at hand, for a type whose resources ask a node they
     * do not name (a manifest asks the server to read its objects); by default the plain one.
     */
    default List<ProbeRequest> probeAsks(ResourceInstance resource, Config config) {
        return probeAsks(resource);
    }

    /** {@link #probeAsks(ResourceState)} with the description at hand; by default the plain one. */
    default List<ProbeRequest> probeAsks(ResourceState recorded, Config config) {
        return probeAsks(recorded);
    }

    /**
     * What a resource of this type, described or recorded, asks of the probe of the node that runs the cluster's API
     * server (a Helm chart's HelmChart objects and jobs): ask names for {@link ProbeRequest#with}; none by default.
     */
    default List<String> serverAsks() {
        return List.of();
    }

    /**
     * What {@code pictl drift} reports of this type besides drift, as health findings (trouble or advisory), read
     * from the probes; none by default (the backup type: a stale snapshot, a server without a schedule).
     */
    default List<dev.pictl.probe.Health.Finding> findings(Config config, java.util.Map<String, dev.pictl.probe.ProbeOutcome> probes,
                                                           java.time.Instant now) {
        return List.of();
    }
}
