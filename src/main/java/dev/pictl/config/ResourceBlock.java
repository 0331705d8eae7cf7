package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Value;
import java.util.Map;

/**
 * What the description language needs of one resource type: the schema its blocks are decoded with, the rule its
 * block names follow, which node an instance is on, and the rules it checks on the whole decoded description (rules
 * between its instances, or with other types' instances). The language's own rules (types, references, names that
 * can be referred to) stay in this package; a rule that is one type's lives in that type.
 */
public interface ResourceBlock {
    BlockSchema schema();

    /** The type's name, the block keyword ({@code k3s_server}). */
    default String name() {
        return schema().type();
    }

    /**
     * The type's own rule for its block names, checked after the language's (a name that can be referred to as
     * {@code TYPE.NAME}) and written into the generated JSON Schema; null when the language's rule is all.
     */
    default LabelRule labelRule() {
        return null;
    }

    /**
     * The node an instance of a block that is not per-node is on ({@code label} is the block's name, {@code
     * attributes} its decoded values), or null when it is on none. Per-node blocks are on the node of their
     * {@code nodes} entry.
     */
    default String instanceNode(String label, Map<String, Value> attributes) {
        return null;
    }

    /**
     * Whether a description declares this type's blocks. A type that is not declared has no block keyword, no
     * entry in the generated schema and reference, and cannot be referred to: its instances are {@linkplain #derive
     * derived} from other blocks' attributes (the {@code kube_node} of a node that declares {@code labels}).
     */
    default boolean declarable() {
        return true;
    }

    /**
     * The instances this type derives from the declared ones (run after decoding, in the registry's order, before
     * the types' checks); none by default. A derived instance points its ranges at the attributes it comes from.
     */
    default java.util.List<dev.pictl.resource.ResourceInstance> derive(
            java.util.List<dev.pictl.resource.ResourceInstance> declared) {
        return java.util.List.of();
    }

    /**
     * Checks the decoded description against this type's own rules, reporting each problem at its position. Runs
     * after every block is decoded, for each type in the registry's order.
     */
    default void check(Config config, Diagnostics diags) {
    }

    /**
     * Advice that only {@code pictl validate} gives, on a description without errors, because plan gives it better
     * from the probe (a small board running the server with no memory reserved): warnings. Not called by plan,
     * apply, drift or kubeconfig.
     */
    default void advise(Config config, Diagnostics diags) {
    }

    /** The node an attribute that refers to a node names, or null: the usual {@link #instanceNode}. */
    static String referencedNode(Map<String, Value> attributes, String attribute) {
        return attributes.get(attribute) instanceof Value.Ref r ? r.target().name() : null;
    }
}
