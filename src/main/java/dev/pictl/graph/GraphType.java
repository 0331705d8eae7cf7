package dev.pictl.graph;

import java.util.List;

/**
 * What the graph needs of one resource type: its name (the types' order is the tie-break of every ordering) and
 * the domain edges into its instances, the order its nature imposes beyond references and {@code depends_on}
 * (k3s after the runtime on its node, a volume after k3s on its node). Each type in {@code dev.pictl.types.*}
 * implements it; {@link GraphBuilder} knows no type by name.
 */
public interface GraphType {
    /** The type's name, as in its addresses. */
    String name();

    /**
     * The domain edges into this type's instances among {@code instances}, each made with {@link Edge#domain} with
     * the range that ties the two together and a short reason. An edge to or from a resource not in the graph, or
     * between two resources a reference already orders, is dropped.
     */
    default List<Edge> domainEdges(GraphInstances instances) {
        return List.of();
    }
}
