package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.resource.BlockSchema;

/**
 * What the description language needs of one resource type: the schema its blocks are decoded with, and the rules
 * it checks on the whole decoded description (rules between its instances, or with other types' instances).
 */
public interface ResourceBlock {
    BlockSchema schema();

    /** The type's name, the block keyword ({@code k3s_server}). */
    default String name() {
        return schema().type();
    }

    /**
     * Checks the decoded description against this type's own rules, reporting each problem at its position. Runs
     * after every block is decoded and after the language's own checks.
     */
    default void check(Config config, Diagnostics diags) {
    }
}
