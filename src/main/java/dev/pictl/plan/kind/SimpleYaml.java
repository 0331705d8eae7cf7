package dev.pictl.plan.kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the flat YAML of {@code /etc/rancher/k3s/config.yaml}: {@code key: scalar}, {@code key: [a, b]} and
 * {@code key:} followed by {@code - item} lines; quoted or bare scalars; {@code #} comments. Anything deeper is
 * kept as its raw text, so a hand-edited file still compares (and differs) sensibly.
 */
public final class SimpleYaml {
    private SimpleYaml() {
    }

    public static Map<String, Object> read(String text) {
        Map<String, Object> out = new TreeMap<>();
        if (text == null) {
            return out;
        }
        String listKey = null;
        List<String> list = null;
        for (String raw : text.split("\n")) {
            String line = stripComment(raw).stripTrailing();
            if (line.isBlank() || line.equals("---")) {
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.startsWith("- ") && listKey != null) {
                list.add(scalar(trimmed.substring(2).strip()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            String key = unquote(line.substring(0, colon).strip());
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                listKey = key;
                list = new ArrayList<>();
                out.put(key, list);
            } else if (value.startsWith("[") && value.endsWith("]")) {
                listKey = null;
                List<String> items = new ArrayList<>();
                String inner = value.substring(1, value.length() - 1).strip();
                if (!inner.isEmpty()) {
                    for (String item : inner.split(",")) {
                        items.add(scalar(item.strip()));
                    }
                }
                out.put(key, items);
            } else {
                listKey = null;
                out.put(key, scalar(value));
            }
        }
        return out;
    }

    /** Writes a flat map as YAML in the same subset, keys sorted, every scalar quoted. */
    public static String write(Map<String, Object> values) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            b.append(e.getKey()).append(':');
            if (e.getValue() instanceof List<?> l) {
                b.append('\n');
                for (Object item : l) {
                    b.append("  - ").append(quote(String.valueOf(item))).append('\n');
                }
            } else {
                b.append(' ').append(e.getValue() instanceof Boolean ? e.getValue().toString()
                        : quote(String.valueOf(e.getValue()))).append('\n');
            }
        }
        return b.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String scalar(String v) {
        return unquote(v);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            String inner = v.substring(1, v.length() - 1);
            return v.startsWith("\"") ? inner.replace("\\\"", "\"").replace("\\\\", "\\") : inner.replace("''", "'");
        }
        return v;
    }

    private static String stripComment(String line) {
        boolean inSingle = false;
        boolean inDouble = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && !inSingle) {
                inDouble = !inDouble;
            } else if (c == '\'' && !inDouble) {
                inSingle = !inSingle;
            } else if (c == '#' && !inSingle && !inDouble && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
