package dev.pictl.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Brings a state document of an older format up to {@link State#FORMAT_VERSION} before it is decoded, one
 * format at a time, on the JSON tree (like Terraform's {@code statefile/versionN_upgrade.go}):
 *
 * <pre>
 *   format 1 ──(1→2)──▶ format 2 ──(2→3)──▶ … ──▶ FORMAT_VERSION ──▶ StateCodec decodes
 * </pre>
 *
 * Format 1 is the first, so there is no step yet. When format 2 arrives: add a step {@code 1 → V1ToV2::upgrade}
 * that rewrites the tree and sets {@code format_version} to 2, raise {@link State#FORMAT_VERSION}, keep the
 * v1 fixtures in the tests as inputs and add v2 goldens. A step never drops information silently. Stateless.
 */
final class StateUpgrader {
    /** Format n → the step that turns a format-n tree into a format-(n+1) tree. */
    private static final Map<Integer, UnaryOperator<ObjectNode>> STEPS = Map.of();

    private StateUpgrader() {
    }

    /**
     * The tree upgraded from format {@code from} (1 ≤ from ≤ current) to the current format. A missing step is
     * a bug in pictl, not in the file.
     */
    static ObjectNode upgrade(ObjectNode root, int from) {
        ObjectNode tree = root;
        for (int v = from; v < State.FORMAT_VERSION; v++) {
            UnaryOperator<ObjectNode> step = STEPS.get(v);
            if (step == null) {
                throw new IllegalStateException("no upgrade from state format " + v + " to " + (v + 1));
            }
            tree = step.apply(tree);
        }
        return tree;
    }
}
