package dev.pictl.types.helm;

import dev.pictl.resource.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A chart's values as the plan holds them: one attribute per leaf, named {@code values.PATH}, so that the plan shows
 * a change value by value and a sensitive value is masked alone.
 *
 * <pre>
 *   values = { grafana = { adminPassword = var.pw, "grafana.ini" = { server = { root_url = "/" } } },
 *              prometheus = { retention = "7d", replicas = 1, scrape = [ "a", "b" ] }, empty = {} }
 *
 *   values.empty                                = {}              a leaf: an empty map
 *   values.grafana.adminPassword                = (sensitive)     only this one is masked
 *   values.grafana.grafana\.ini.server.root_url = "/"             a dot in a key is escaped with \ (Helm's --set)
 *   values.prometheus.replicas                  = 1               numbers stay numbers (Long, BigDecimal)
 *   values.prometheus.retention                 = "7d"
 *   values.prometheus.scrape                    = ["a", "b"]      a list is one leaf, whole
 * </pre>
 *
 * Leaves are String, Boolean, Long, BigDecimal (a decimal, trailing zeros stripped), a list (of leaves, maps and
 * lists) or an empty map. {@link #tree} puts the leaves back together for the YAML writer; the HelmChart's
 * {@code valuesContent}, read back and {@link #flatten flattened}, gives the same leaves.
 */
public final class HelmValues {
    /** The prefix of a value's attribute name. */
    public static final String PREFIX = "values.";

    private HelmValues() {
    }

    /** A path segment: {@code \} and {@code .} escaped with {@code \}. */
    static String segment(String key) {
        return key.replace("\\", "\\\\").replace(".", "\\.");
    }

    /** A path's segments, escapes undone. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length()) {
                b.append(path.charAt(++i));
            } else if (c == '.') {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }

    /** The leaves of a tree of maps, by attribute name ({@code values.PATH}), sorted. */
    public static Map<String, Object> flatten(Map<String, ?> tree) {
        Map<String, Object> out = new TreeMap<>();
        if (tree != null) {
            tree.forEach((k, v) -> flatten(PREFIX + segment(k), v, out));
        }
        return out;
    }

    private static void flatten(String path, Object v, Map<String, Object> out) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            m.forEach((k, x) -> flatten(path + "." + segment(String.valueOf(k)), x, out));
        } else {
            out.put(path, leaf(v));
        }
    }

    /** A value in canonical form: numbers as Long or BigDecimal, maps sorted, lists of canonical values. */
    static Object leaf(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger i) {
            return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
        }
        if (v instanceof Double || v instanceof Float) {
            return number(new BigDecimal(v.toString()));
        }
        if (v instanceof BigDecimal d) {
            return number(d);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), leaf(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(leaf(x)));
            return out;
        }
        return v;
    }

    private static Object number(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
            return s.longValueExact();
        }
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** The tree the leaves make (the attributes that are not values are ignored). */
    public static Map<String, Object> tree(Map<String, Object> attributes) {
        Map<String, Object> root = new TreeMap<>();
        if (attributes == null) {
            return root;
        }
        attributes.forEach((name, v) -> {
            if (!name.startsWith(PREFIX) || v == null) {
                return; // null: a value the plan removes
            }
            List<String> segs = segments(name.substring(PREFIX.length()));
            Map<String, Object> at = root;
            for (int i = 0; i < segs.size() - 1; i++) {
                Object next = at.get(segs.get(i));
                if (!(next instanceof Map<?, ?>)) {
                    next = new TreeMap<String, Object>();
                    at.put(segs.get(i), next);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) next;
                at = m;
            }
            at.put(segs.get(segs.size() - 1), leaf(v));
        });
        return root;
    }

    /** The values a description gives, as canonical leaves; unknown values (no variable value yet) left out. */
    static Map<String, Object> declared(Value values) {
        Map<String, Object> out = new TreeMap<>();
        if (values instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> declared(PREFIX + segment(k), v, out));
        }
        return out;
    }

    private static void declared(String path, Value v, Map<String, Object> out) {
        if (v instanceof Value.MapVal m && !m.entries().isEmpty()) {
            m.entries().forEach((k, x) -> declared(path + "." + segment(k), x, out));
        } else if (!hasUnknown(v) && !(v instanceof Value.Null)) {
            out.put(path, canonical(v));
        }
    }

    /** A decoded value as a leaf: numbers keep their type (a decimal is a BigDecimal, not text). */
    static Object canonical(Value v) {
        if (v == null || v instanceof Value.Null || v instanceof Value.Unknown) {
            return null;
        } else if (v instanceof Value.Str s) {
            return s.value();
        } else if (v instanceof Value.Num n) {
            return number(n.value());
        } else if (v instanceof Value.Bool b) {
            return b.value();
        } else if (v instanceof Value.ListVal l) {
            List<Object> out = new ArrayList<>();
            l.items().forEach(i -> out.add(canonical(i)));
            return out;
        } else if (v instanceof Value.MapVal m) {
            Map<String, Object> out = new TreeMap<>();
            m.entries().forEach((k, x) -> out.put(k, canonical(x)));
            return out;
        } else if (v instanceof Value.Ref r) {
            return r.target().toString();
        }
        return String.valueOf(v);
    }

    /**
     * The attribute names of the leaves that are, or hold, a sensitive value. A map's own flag says only that something
     * in it is sensitive (a sensitive variable's value is marked through and through), so the leaves decide.
     */
    static Set<String> sensitive(Value values) {
        Set<String> out = new java.util.TreeSet<>();
        if (values instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> sensitive(PREFIX + segment(k), v, out));
        }
        return out;
    }

    private static void sensitive(String path, Value v, Set<String> out) {
        if (v instanceof Value.MapVal m && !m.entries().isEmpty()) {
            m.entries().forEach((k, x) -> sensitive(path + "." + segment(k), x, out));
        } else if (v.holdsSensitive()) {
            out.add(path);
        }
    }

    private static boolean hasUnknown(Value v) {
        if (v instanceof Value.Unknown) {
            return true;
        }
        if (v instanceof Value.ListVal l) {
            return l.items().stream().anyMatch(HelmValues::hasUnknown);
        }
        if (v instanceof Value.MapVal m) {
            return m.entries().values().stream().anyMatch(HelmValues::hasUnknown);
        }
        return false;
    }

    /** Whether two leaves mean the same: numbers by value (a state file reads 0.5 back as a double). */
    static boolean same(Object a, Object b) {
        return Objects.equals(leaf(a), leaf(b));
    }

    /** Only the value attributes of a map, in its order. */
    static Map<String, Object> only(Map<String, Object> attributes) {
        Map<String, Object> out = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
