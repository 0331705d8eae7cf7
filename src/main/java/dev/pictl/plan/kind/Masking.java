package dev.pictl.plan.kind;

import dev.pictl.state.SecretHasher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Sensitive attribute values as the plan and the state hold them: the keyed hash ({@link SecretHasher}) of a
 * canonical text of the value, never the value.
 *
 * <pre>
 *   value                     text hashed
 *   "s3cret"                  s3cret              (a token hashes as it always has)
 *   ["b", "a"]                ["b","a"]           (JSON; sorted and distinct for a kind that compares lists as sets)
 *   {"k" = "v", "a" = ["x"]}  {"a":["x"],"k":"v"} (JSON, keys sorted)
 * </pre>
 *
 * A value that already is a keyed hash is left as it is, so masking twice is masking once: the k3s kinds hash
 * their token themselves, and the state's record is already hashed.
 */
public final class Masking {
    private Masking() {
    }

    /** Whether {@code v} is a keyed hash. */
    public static boolean isHash(Object v) {
        return v instanceof String s && s.startsWith(SecretHasher.PREFIX) && s.length() == SecretHasher.PREFIX.length() + 64
                && s.substring(SecretHasher.PREFIX.length()).chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    /** The value's keyed hash (null stays null; a hash stays itself). */
    public static Object mask(Object v, Kind kind, UnaryOperator<String> hash) {
        if (v == null || isHash(v)) {
            return v;
        }
        return hash.apply(text(v, kind.unorderedLists()));
    }

    /** A copy of {@code attributes} with the values of {@code sensitive} ones masked. */
    public static Map<String, Object> mask(Map<String, Object> attributes, Set<String> sensitive, Kind kind,
                                           UnaryOperator<String> hash) {
        if (attributes == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>(attributes);
        for (String k : sensitive) {
            if (out.get(k) != null) {
                out.put(k, mask(out.get(k), kind, hash));
            }
        }
        return out;
    }

    /** The canonical text a value is hashed as. */
    static String text(Object v, boolean unordered) {
        if (v instanceof String s) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        json(v, unordered, b);
        return b.toString();
    }

    private static void json(Object v, boolean unordered, StringBuilder b) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            b.append('{');
            String sep = "";
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                b.append(sep);
                string(e.getKey(), b);
                b.append(':');
                json(e.getValue(), unordered, b);
                sep = ",";
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            List<Object> items = new ArrayList<>(l);
            if (unordered) {
                TreeSet<String> texts = new TreeSet<>();
                l.forEach(x -> texts.add(text(x, true)));
                items = new ArrayList<>(texts);
            }
            b.append('[');
            String sep = "";
            for (Object x : items) {
                b.append(sep);
                json(x, unordered, b);
                sep = ",";
            }
            b.append(']');
        } else if (v instanceof String s) {
            string(s, b);
        } else {
            b.append(v);
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
