package dev.pictl.graph;

import dev.pictl.resource.ResourceInstance;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The instances a graph is built of, as a type's {@link GraphType#domainEdges} looks them up. */
public final class GraphInstances {
    private final List<ResourceInstance> instances;

    GraphInstances(List<ResourceInstance> instances) {
        this.instances = List.copyOf(instances);
    }

    /** The instances of a type, in declaration order. */
    public List<ResourceInstance> ofType(String type) {
        return instances.stream().filter(i -> i.type().equals(type)).toList();
    }

    /** The instances of a type on a node, in declaration order. */
    public List<ResourceInstance> onNode(String type, String node) {
        return instances.stream().filter(i -> i.type().equals(type) && Objects.equals(i.node(), node)).toList();
    }

    /** The first instance of a type on a node (a node is in at most one block of most types). */
    public Optional<ResourceInstance> firstOnNode(String type, String node) {
        return onNode(type, node).stream().findFirst();
    }
}
