package dev.pictl.types.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An object as its fields: one entry per leaf, keyed by its path, so that a plan can show a change field by field
 * and the applier can build the object back ({@link #unflatten}) from the plan alone.
 *
 * <pre>
 *   path     = segment ( "." key | "[" index "]" | "[" json-string "]" )*
 *   key      a map key of letters, digits, "_" and "-" (as most Kubernetes field names are)
 *   ["k"]    any other map key, as a JSON string: metadata.labels["app.kubernetes.io/name"]
 *   [0]      a list element by position
 *
 *   leaf     String | Long | Boolean | Double | an empty map {} | an empty list []   (a JSON null is no field)
 * </pre>
 *
 * Lists are positional: the simulator and the plan compare {@code spec.containers[0].image}, not Kubernetes'
 * associative list keys ({@code containers[name="web"]}); docs/manifests.md says what that means.
 */
final class Fields {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private Fields() {
    }

    /** Every leaf of {@code node}, sorted by path. */
    static TreeMap<String, Object> flatten(JsonNode node) {
        TreeMap<String, Object> out = new TreeMap<>();
        walk(node, "", out);
        return out;
    }

    private static void walk(JsonNode n, String path, Map<String, Object> out) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            if (n.isEmpty() && !path.isEmpty()) {
                out.put(path, Map.of());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), child(path, e.getKey()), out);
            }
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                out.put(path, List.of());
            }
            for (int i = 0; i < n.size(); i++) {
                walk(n.get(i), path + "[" + i + "]", out);
            }
        } else {
            out.put(path, scalar(n));
        }
    }

    /** A leaf's canonical value: whole numbers as Long (larger ones as their text), other numbers as Double. */
    static Object scalar(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? n.longValue() : n.asText();
        }
        if (n.isNumber()) {
            BigDecimal d = n.decimalValue();
            return d.doubleValue();
        }
        return n.asText();
    }

    /** The path of {@code key} under {@code parent}. */
    static String child(String parent, String key) {
        if (PLAIN.matcher(key).matches()) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        return parent + "[" + quote(key) + "]";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A path's segments: a String for a map key, an Integer for a list position. */
    static List<Object> segments(String path) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        int n = path.length();
        while (i < n) {
            char c = path.charAt(i);
            if (c == '.') {
                i++;
                continue;
            }
            if (c == '[') {
                if (i + 1 < n && path.charAt(i + 1) == '"') {
                    StringBuilder key = new StringBuilder();
                    int j = i + 2;
                    while (j < n && path.charAt(j) != '"') {
                        char d = path.charAt(j);
                        if (d == '\\' && j + 1 < n) {
                            char e = path.charAt(++j);
                            switch (e) {
                                case 'n' -> key.append('\n');
                                case 't' -> key.append('\t');
                                case 'u' -> {
                                    key.append((char) Integer.parseInt(path.substring(j + 1, j + 5), 16));
                                    j += 4;
                                }
                                default -> key.append(e);
                            }
                        } else {
                            key.append(d);
                        }
                        j++;
                    }
                    out.add(key.toString());
                    i = j + 2; // past "]
                } else {
                    int close = path.indexOf(']', i);
                    out.add(Integer.parseInt(path.substring(i + 1, close)));
                    i = close + 1;
                }
                continue;
            }
            int j = i;
            while (j < n && path.charAt(j) != '.' && path.charAt(j) != '[') {
                j++;
            }
            out.add(path.substring(i, j));
            i = j;
        }
        return out;
    }

    /** The object the leaves describe (maps keep the paths' order; lists their positions). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> unflatten(Map<String, Object> fields) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            List<Object> segs = segments(e.getKey());
            Object cur = root;
            for (int i = 0; i < segs.size(); i++) {
                Object seg = segs.get(i);
                boolean last = i == segs.size() - 1;
                Object next = last ? leaf(e.getValue()) : segs.get(i + 1) instanceof Integer
                        ? new ArrayList<>() : new LinkedHashMap<String, Object>();
                if (cur instanceof Map<?, ?> m) {
                    Map<String, Object> map = (Map<String, Object>) m;
                    cur = last ? put(map, (String) seg, next) : map.computeIfAbsent((String) seg, k -> next);
                } else {
                    List<Object> list = (List<Object>) cur;
                    int at = (Integer) seg;
                    while (list.size() <= at) {
                        list.add(null);
                    }
                    if (last || list.get(at) == null) {
                        list.set(at, next);
                    }
                    cur = list.get(at);
                }
            }
        }
        return root;
    }

    private static Object put(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return value;
    }

    private static Object leaf(Object v) {
        if (v instanceof Map<?, ?>) {
            return new LinkedHashMap<>();
        }
        if (v instanceof List<?>) {
            return new ArrayList<>();
        }
        return v;
    }
}
