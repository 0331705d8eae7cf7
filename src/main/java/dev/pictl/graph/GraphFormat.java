package dev.pictl.graph;

import dev.pictl.addr.ResourceAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Text renderings of a {@link ResourceGraph}. Edge styles: a reference is a plain arrow, a domain-order edge is
 * dashed, a {@code depends_on} edge is bold and labelled. Output is deterministic (graph order).
 */
public final class GraphFormat {
    private GraphFormat() {
    }

    /** Graphviz DOT; render with {@code dot -Tsvg}. */
    public static String dot(ResourceGraph g) {
        StringBuilder b = new StringBuilder();
        b.append("digraph pictl {\n");
        b.append("  rankdir = \"LR\";\n");
        b.append("  node [shape = \"box\", fontname = \"Helvetica\"];\n");
        for (ResourceAddress a : g.topologicalOrder()) {
            b.append("  ").append(dotId(a)).append(";\n");
        }
        for (Edge e : g.edges()) {
            b.append("  ").append(dotId(e.from())).append(" -> ").append(dotId(e.to()));
            switch (e.kind()) {
                case REFERENCE -> {
                }
                case DOMAIN -> b.append(" [style = \"dashed\"]");
                case DEPENDS_ON -> b.append(" [style = \"bold\", label = \"depends_on\"]");
            }
            b.append(";\n");
        }
        b.append("}\n");
        return b.toString();
    }

    /** A Mermaid flowchart, e.g. for a Markdown page. */
    public static String mermaid(ResourceGraph g) {
        StringBuilder b = new StringBuilder("flowchart LR\n");
        Map<ResourceAddress, String> ids = new HashMap<>();
        int n = 0;
        for (ResourceAddress a : g.topologicalOrder()) {
            String id = "r" + n++;
            ids.put(a, id);
            b.append("  ").append(id).append("[\"").append(a.toString().replace("\"", "#quot;")).append("\"]\n");
        }
        for (Edge e : g.edges()) {
            String arrow = switch (e.kind()) {
                case REFERENCE -> " --> ";
                case DOMAIN -> " -.-> ";
                case DEPENDS_ON -> " ==>|depends_on| ";
            };
            b.append("  ").append(ids.get(e.from())).append(arrow).append(ids.get(e.to())).append('\n');
        }
        return b.toString();
    }

    private static String dotId(ResourceAddress a) {
        return "\"" + a.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
