package dev.pictl.types;

import dev.pictl.apply.Executors;
import dev.pictl.config.Catalog;
import dev.pictl.plan.kind.Kinds;
import dev.pictl.types.host.KernelParamsType;
import dev.pictl.types.host.NodeType;
import dev.pictl.types.host.RuntimeType;
import dev.pictl.types.k3s.K3sAgentType;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.storage.PvType;
import dev.pictl.types.storage.StorageClassType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry: every resource type pictl knows, in domain order. The one place that lists them; the layers get
 * what they need of them from here ({@link #catalog()} for the language, {@link #kinds()} for the planner,
 * {@link #executors()} for the applier).
 */
public final class ResourceTypes {
    private final List<ResourceType> types;

    private ResourceTypes(List<ResourceType> types) {
        this.types = List.copyOf(types);
        new Catalog(this.types); // refuses a name given twice
    }

    /** The types pictl ships, in domain order: hosts, then k3s, then what lives in the cluster. */
    public static ResourceTypes standard() {
        return new ResourceTypes(List.of(
                new NodeType(),
                new KernelParamsType(),
                new RuntimeType(),
                new K3sServerType(),
                new K3sAgentType(),
                new StorageClassType(),
                new PvType()));
    }

    /** These types and {@code more} after them (a test's extra type, a plugin). */
    public ResourceTypes with(ResourceType... more) {
        List<ResourceType> all = new ArrayList<>(types);
        all.addAll(List.of(more));
        return new ResourceTypes(all);
    }

    public List<ResourceType> all() {
        return types;
    }

    public Optional<ResourceType> byName(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Catalog catalog() {
        return new Catalog(types);
    }

    public Kinds kinds() {
        return new Kinds(types.stream().map(ResourceType::kind).toList());
    }

    public Executors executors() {
        return new Executors(types.stream().map(ResourceType::executor).toList());
    }
}
