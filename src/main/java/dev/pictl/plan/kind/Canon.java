package dev.pictl.plan.kind;

import dev.pictl.resource.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Conversions to canonical attribute values (String, Long, Boolean, List, sorted Map). */
public final class Canon {
    private Canon() {
    }

    /** A decoded configuration value as a canonical value; references become their address text. */
    public static Object of(Value v) {
        if (v == null || v instanceof Value.Null || v instanceof Value.Unknown) {
            return null;
        } else if (v instanceof Value.Str s) {
            return s.value();
        } else if (v instanceof Value.Num n) {
            BigDecimal d = n.value().stripTrailingZeros();
            return d.scale() <= 0 ? (Object) d.longValueExact() : d.toPlainString();
        } else if (v instanceof Value.Bool b) {
            return b.value();
        } else if (v instanceof Value.ListVal l) {
            List<Object> out = new ArrayList<>();
            l.items().forEach(i -> out.add(of(i)));
            return out;
        } else if (v instanceof Value.MapVal m) {
            Map<String, Object> out = new TreeMap<>();
            m.entries().forEach((k, x) -> out.put(k, of(x)));
            return out;
        } else if (v instanceof Value.Ref r) {
            return r.target().toString();
        }
        throw new IllegalStateException(String.valueOf(v));
    }

    /** A canonical string value of a map entry, lists as lists of strings. */
    public static Map<String, Object> stringMap(Map<String, Object> in) {
        Map<String, Object> out = new TreeMap<>();
        in.forEach((k, v) -> {
            if (v instanceof List<?> l) {
                out.put(k, l.stream().map(String::valueOf).toList());
            } else if (v != null) {
                out.put(k, String.valueOf(v));
            }
        });
        return out;
    }

    public static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    public static boolean sameAsSet(Object a, Object b) {
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return new java.util.HashSet<>(x).equals(new java.util.HashSet<>(y));
        }
        return java.util.Objects.equals(a, b);
    }

    /** A canonical map value as a map ({@link #of} makes maps of strings to values); empty for anything else. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
