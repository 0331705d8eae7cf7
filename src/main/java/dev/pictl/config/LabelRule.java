package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import java.util.List;

/**
 * A resource type's rule for its block names, beyond the language's (see {@link ResourceBlock#labelRule()}): the
 * check the validator runs, and the same rule as the generated JSON Schema states it ({@code propertyNames}).
 * {@code ConfigSchemaTest} runs both on one table, so the two stay in agreement.
 */
public interface LabelRule {
    /**
     * Checks a block name that already follows the language's rule; reports at {@code at} and returns false when
     * the type refuses it (the block is then skipped).
     */
    boolean check(String name, SourceRange at, Diagnostics diags);

    /** The rule in a sentence, for the JSON Schema. */
    String description();

    /** A regular expression, anchored, that every accepted name matches (the JSON Schema's {@code pattern}). */
    String pattern();

    /** The longest accepted name, or null when the pattern says it all. */
    default Integer maxLength() {
        return null;
    }

    /** Names that match the pattern but are refused all the same. */
    default List<String> reserved() {
        return List.of();
    }
}
