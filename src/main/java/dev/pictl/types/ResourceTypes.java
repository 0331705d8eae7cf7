package dev.pictl.types;

import dev.pictl.apply.Executors;
import dev.pictl.config.Catalog;
import dev.pictl.config.Config;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.probe.Probe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.plan.kind.Kinds;
import dev.pictl.types.boot.BootConfigType;
import dev.pictl.types.backup.BackupType;
import dev.pictl.types.cluster.NamespaceType;
import dev.pictl.types.manifest.ManifestType;
import dev.pictl.types.helm.HelmChartType;
import dev.pictl.types.host.KernelParamsType;
import dev.pictl.types.host.NodeType;
import dev.pictl.types.host.RuntimeType;
import dev.pictl.types.k3s.K3sAgentType;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.KubeNodeType;
import dev.pictl.types.os.OsUpdatesType;
import dev.pictl.types.storage.NfsClientType;
import dev.pictl.types.storage.PvType;
import dev.pictl.types.storage.StorageClassType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry: every resource type pictl knows, in domain order. The one place that lists them; the layers get
 * what they need of them from here ({@link #catalog()} for the language, {@link #kinds()} for the planner,
 * {@link #executors()} for the applier, {@link #probe()} and {@link #probeRequests} for the prober).
 */
public final class ResourceTypes {
    private final List<ResourceType> types;
    private final Catalog catalog;
    /** The planner's views, made once: kinds hold no state. */
    private final Kinds kinds;

    private ResourceTypes(List<ResourceType> types) {
        this.types = List.copyOf(types);
        this.catalog = new Catalog(this.types); // refuses a name given twice
        this.kinds = new Kinds(this.types.stream().map(ResourceType::kind).toList(), this::endpoint);
    }

    /** The types pictl ships, in domain order: hosts, then k3s, then what lives in the cluster. */
    public static ResourceTypes standard() {
        return new ResourceTypes(List.of(
                new NodeType(),
                new KernelParamsType(),
                new BootConfigType(),
                new RuntimeType(),
                new K3sServerType(),
                new K3sAgentType(),
                new KubeNodeType(),
                new BackupType(),
                new StorageClassType(),
                new NfsClientType(),
                new PvType(),
                new NamespaceType(),
                new ManifestType(),
                new HelmChartType(),
                new OsUpdatesType()));
    }

    /** These types and {@code more} after them (a test's extra type, a plugin). */
    public ResourceTypes with(ResourceType... more) {
        List<ResourceType> all = new ArrayList<>(types);
        all.addAll(List.of(more));
        return new ResourceTypes(all);
    }

    /** Every type's own drift findings ({@link ResourceType#findings}), in the registry's order. */
    public List<dev.pictl.probe.Health.Finding> findings(Config config, Map<String, dev.pictl.probe.ProbeOutcome> probes,
                                                          java.time.Instant now) {
        List<dev.pictl.probe.Health.Finding> out = new ArrayList<>();
        for (ResourceType t : types) {
            out.addAll(t.findings(config, probes, now));
        }
        return out;
    }

    public List<ResourceType> all() {
        return types;
    }

    public Optional<ResourceType> byName(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Catalog catalog() {
        return catalog;
    }

    public Kinds kinds() {
        return kinds;
    }

    /** How the description's cluster is reached (its API server's node, address and port), if it has a server. */
    public Optional<ClusterEndpoint> endpoint(Config config) {
        for (ResourceType t : types) {
            Optional<ClusterEndpoint> e = t.endpoint(config);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    /**
     * Whether objects of {@code type} live in the cluster and are read and changed through its API server
     * ({@link dev.pictl.plan.kind.Kind#inCluster()}); false for a type this registry does not know.
     */
    public boolean inCluster(String type) {
        return byName(type).map(t -> t.kind().inCluster()).orElse(false);
    }

    /**
     * Whether objects of {@code type} belong to the cluster as a whole rather than to one node
     * ({@link dev.pictl.plan.kind.Kind#clusterWide()}): views list them under the cluster.
     */
    public boolean clusterWide(String type) {
        return byName(type).map(t -> t.kind().clusterWide()).orElse(false);
    }

    public Executors executors() {
        return new Executors(types.stream().map(ResourceType::executor).toList());
    }

    /** The node's probe: the probe's own fragments, then every type's, each once, in registry order. */
    public Probe probe() {
        List<ProbeFragment<?>> all = new ArrayList<>();
        types.forEach(t -> all.addAll(t.probe()));
        return Probe.of(all);
    }

    /**
     * What each node's probe asks for: every resource's asks ({@link ResourceType#probeAsks}), merged per node in
     * the description's order, then what the state's entries ask where they were recorded (a PV that moves is
     * still read where it is). Nodes not in {@code nodes} (not probed) are left out.
     */
    public Map<String, ProbeRequest> probeRequests(Config config, State state, Collection<String> nodes) {
        Map<String, ProbeRequest> out = new LinkedHashMap<>();
        nodes.forEach(n -> out.put(n, ProbeRequest.of(n)));
        for (ResourceType t : types) {
            for (ResourceInstance r : config.ofType(t.name())) {
                for (ProbeRequest ask : t.probeAsks(r, config)) {
                    out.computeIfPresent(ask.node(), (n, q) -> q.merge(ask));
                }
            }
            for (ResourceState r : state.resources()) {
                if (r.type().equals(t.name())) {
                    for (ProbeRequest ask : t.probeAsks(r, config)) {
                        out.computeIfPresent(ask.node(), (n, q) -> q.merge(ask));
                    }
                }
            }
            boolean any = !config.ofType(t.name()).isEmpty()
                    || state.resources().stream().anyMatch(r -> r.type().equals(t.name()));
            if (any && !t.serverAsks().isEmpty()) {
                endpoint(config).ifPresent(e -> t.serverAsks().forEach(ask -> out.computeIfPresent(e.node(),
                        (n, q) -> q.with(ask))));
            }
        }
        return out;
    }
}
