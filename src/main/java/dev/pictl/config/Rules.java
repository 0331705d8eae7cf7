package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.resource.ResourceInstance;
import java.util.HashMap;
import java.util.Map;

/** Rules several resource types apply to themselves, written once; each type calls them from its own check. */
public final class Rules {
    private Rules() {
    }

    /**
     * A node is in at most one block of {@code type}: reported at every instance from a second block, saying
     * "node "N" PHRASE FIRST" (e.g. "already has a runtime in").
     */
    public static void onePerNode(Config config, String type, String phrase, Diagnostics diags) {
        Map<String, ResourceInstance> byNode = new HashMap<>();
        for (ResourceInstance i : config.ofType(type)) {
            ResourceInstance first = byNode.putIfAbsent(i.node(), i);
            if (first != null && !first.address().block().equals(i.address().block())) {
                diags.error(i.nodeRange(), "node \"" + i.node() + "\" " + phrase + " " + first.address(),
                        "That instance comes from " + first.nodeRange().location() + ". A node can be in only one "
                                + type + " block; remove it from one of them.");
            }
        }
    }
}
