package dev.pictl.resource;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.SourceRange;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded configuration value with the source range it came from and whether it is sensitive (derived from
 * a sensitive variable or held by a sensitive attribute).
 */
public sealed interface Value {
    SourceRange range();

    boolean sensitive();

    /** The type name used in "wrong type" messages. */
    String typeName();

    /** Whether this value, or anything inside it (a list item, a map entry), is sensitive. */
    default boolean holdsSensitive() {
        if (sensitive()) {
            return true;
        }
        if (this instanceof ListVal l) {
            return l.items().stream().anyMatch(Value::holdsSensitive);
        }
        if (this instanceof MapVal m) {
            return m.entries().values().stream().anyMatch(Value::holdsSensitive);
        }
        return false;
    }

    /**
     * Adds the text of every sensitive scalar in {@code v} to {@code out}; with {@code whole}, every scalar and
     * map key in it (a sensitive variable's value is secret through and through).
     */
    static void sensitiveTexts(Value v, boolean whole, java.util.Collection<String> out) {
        boolean all = whole || v.sensitive() && !(v instanceof ListVal) && !(v instanceof MapVal);
        if (v instanceof Str s && all) {
            out.add(s.value());
        } else if (v instanceof Num n && all) {
            out.add(n.value().stripTrailingZeros().toPlainString());
            out.add(n.value().toPlainString());
        } else if (v instanceof ListVal l) {
            l.items().forEach(i -> sensitiveTexts(i, whole, out));
        } else if (v instanceof MapVal m) {
            m.entries().forEach((k, x) -> {
                if (whole) {
                    out.add(k);
                }
                sensitiveTexts(x, whole, out);
            });
        }
    }

    record Str(String value, SourceRange range, boolean sensitive) implements Value {
        @Override
        public String typeName() {
            return "string";
        }
    }

    record Num(BigDecimal value, SourceRange range, boolean sensitive) implements Value {
        @Override
        public String typeName() {
            return "number";
        }
    }

    record Bool(boolean value, SourceRange range, boolean sensitive) implements Value {
        @Override
        public String typeName() {
            return "bool";
        }
    }

    record ListVal(List<Value> items, SourceRange range, boolean sensitive) implements Value {
        public ListVal {
            items = List.copyOf(items);
        }

        @Override
        public String typeName() {
            return "list";
        }
    }

    /** A map; keys keep source order. {@code keyRanges} locates each key. */
    record MapVal(Map<String, Value> entries, Map<String, SourceRange> keyRanges, SourceRange range, boolean sensitive)
            implements Value {
        public MapVal {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keyRanges = Map.copyOf(keyRanges);
        }

        @Override
        public String typeName() {
            return "map";
        }
    }

    /**
     * A reference to a resource: a whole block ({@code runtime.docker}, all its instances) or one instance
     * ({@code node.pi-1}, {@code kernel_params.cgroups["pi-1"]}).
     */
    record Ref(ResourceAddress target, SourceRange range) implements Value {
        @Override
        public boolean sensitive() {
            return false;
        }

        @Override
        public String typeName() {
            return "reference to " + target;
        }
    }

    record Null(SourceRange range) implements Value {
        @Override
        public boolean sensitive() {
            return false;
        }

        @Override
        public String typeName() {
            return "null";
        }
    }

    /** A value not known yet: a variable without a value when only validating. Passes every type check. */
    record Unknown(String reason, SourceRange range, boolean sensitive) implements Value {
        @Override
        public String typeName() {
            return "unknown";
        }
    }
}
