package dev.pictl.nodetext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one reader and writer of the flat YAML of {@code /etc/rancher/k3s/config.yaml}.
 *
 * <p>{@link #write} encodes by structure, never by splicing: every key and every string is a double-quoted YAML
 * scalar, and every character a YAML reader could take for structure or could fold away is escaped:
 *
 * <pre>
 *   "\"  "\\"       "\""  "\""      newline, tab, CR   \n \t \r
 *   other C0 controls, DEL, C1 controls (NEL U+0085 included)     \xNN
 *   U+2028, U+2029 (YAML 1.1 line breaks), U+FEFF, U+FFFE, U+FFFF  \\uNNNN
 * </pre>
 *
 * so a value holding {@code "\nwrite-kubeconfig-mode: 0644"}, {@code ": "}, {@code " #"}, {@code "---"} or quotes
 * stays one scalar of its key, and a real YAML parser (k3s's go-yaml, Jackson) reads the file back as exactly the
 * map written. The only strings it cannot write are those holding an unpaired UTF-16 surrogate (no UTF-8 form): the
 * validator refuses them, and {@link #write} throws rather than write a file k3s could not read.
 *
 * <p>{@link #read} takes what {@link #write} writes and what people write by hand: {@code key: scalar},
 * {@code key: [a, b]} and {@code key:} followed by {@code - item} lines; plain, single- or double-quoted keys and
 * scalars (escapes decoded); {@code #} comments. Anything deeper is skipped, so a hand-edited file still compares
 * (and differs) sensibly.
 */
public final class SimpleYaml {
    private SimpleYaml() {
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    /** Writes a flat map as YAML, keys sorted, every key and string double-quoted; booleans stay YAML booleans. */
    public static String write(Map<String, Object> values) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            b.append(quote(e.getKey())).append(':');
            if (e.getValue() instanceof List<?> l) {
                if (l.isEmpty()) {
                    b.append(" []\n");
                    continue;
                }
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

    /**
     * Writes a tree of maps, lists and scalars in block style (the nested YAML of {@code registries.yaml}): map keys
     * sorted, every key and string double-quoted as {@link #write} does, booleans as YAML booleans, two spaces per
     * level, list items as {@code - } lines (a list of maps is not needed and refused).
     */
    public static String writeTree(Map<String, ?> values) {
        StringBuilder b = new StringBuilder();
        tree(b, values, "");
        return b.toString();
    }

    private static void tree(StringBuilder b, Map<String, ?> values, String indent) {
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(values).entrySet()) {
            b.append(indent).append(quote(e.getKey())).append(':');
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    b.append(" {}\n");
                    continue;
                }
                b.append('\n');
                Map<String, Object> sub = new TreeMap<>();
                m.forEach((k, x) -> sub.put(String.valueOf(k), x));
                tree(b, sub, indent + "  ");
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    b.append(" []\n");
                    continue;
                }
                b.append('\n');
                for (Object item : l) {
                    if (item instanceof Map<?, ?> || item instanceof List<?>) {
                        throw new IllegalArgumentException("writeTree writes lists of scalars only");
                    }
                    b.append(indent).append("  - ").append(scalarText(item)).append('\n');
                }
            } else {
                b.append(' ').append(scalarText(v)).append('\n');
            }
        }
    }

    private static String scalarText(Object v) {
        return v instanceof Boolean ? v.toString() : quote(String.valueOf(v));
    }

    /** {@code s} as a double-quoted YAML scalar that holds only printable characters. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("an unpaired UTF-16 surrogate at index " + i + " has no UTF-8 form");
            }
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                        b.append(String.format("\\x%02X", (int) c));
                    } else if (c == 0x2028 || c == 0x2029 || c == 0xFEFF || c == 0xFFFE || c == 0xFFFF) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    public static Map<String, Object> read(String text) {
        Map<String, Object> out = new TreeMap<>();
        if (text == null) {
            return out;
        }
        String listKey = null;
        List<String> list = null;
        for (String raw : text.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equals("---")) {
                continue;
            }
            if ((trimmed.startsWith("- ") || trimmed.equals("-")) && listKey != null) {
                Scalar item = scalar(trimmed.substring(1).strip(), 0);
                list.add(item == null ? "" : item.value());
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            listKey = null;
            Scalar key = key(line);
            if (key == null) {
                continue;
            }
            String value = stripComment(line.substring(key.end() + 1)).strip();
            if (value.isEmpty()) {
                listKey = key.value();
                list = new ArrayList<>();
                out.put(listKey, list);
            } else if (value.startsWith("[") && value.endsWith("]")) {
                out.put(key.value(), flowList(value.substring(1, value.length() - 1)));
            } else {
                Scalar v = scalar(value, 0);
                out.put(key.value(), v == null ? value : v.value());
            }
        }
        return out;
    }

    /**
     * Reads a tree of block mappings, block lists ({@code - item}) and flow lists ({@code [a, b]}) of scalars, as
     * {@link #writeTree} writes it and people write registries.yaml by hand: nesting by indentation, keys and
     * scalars plain or quoted, {@code #} comments. Scalars are strings (a {@code true} is the text "true"); an
     * empty value is an empty map; flow mappings and anything else it does not know are skipped.
     */
    public static Map<String, Object> readTree(String text) {
        List<String[]> lines = new ArrayList<>(); // {indent, content}
        if (text != null) {
            for (String raw : text.split("\n")) {
                String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
                String content = stripComment(line).strip();
                if (content.isEmpty() || content.equals("---")) {
                    continue;
                }
                int indent = 0;
                while (indent < line.length() && line.charAt(indent) == ' ') {
                    indent++;
                }
                lines.add(new String[] {String.valueOf(indent), content});
            }
        }
        Map<String, Object> out = new TreeMap<>();
        treeMap(lines, new int[] {0}, 0, out);
        return out;
    }

    /** Reads the mapping whose keys are at {@code indent} into {@code out}, from {@code at[0]}. */
    private static void treeMap(List<String[]> lines, int[] at, int indent, Map<String, Object> out) {
        while (at[0] < lines.size()) {
            int ind = Integer.parseInt(lines.get(at[0])[0]);
            String content = lines.get(at[0])[1];
            if (ind < indent) {
                return;
            }
            at[0]++;
            Scalar key = ind == indent ? key(content) : null;
            if (key == null) {
                continue; // deeper than expected, or no key: skipped
            }
            String value = content.substring(key.end() + 1).strip();
            if (!value.isEmpty()) {
                if (value.startsWith("[") && value.endsWith("]")) {
                    out.put(key.value(), flowList(value.substring(1, value.length() - 1)));
                } else if (value.equals("{}")) {
                    out.put(key.value(), new TreeMap<String, Object>());
                } else if (!value.startsWith("{")) {
                    Scalar v = scalar(value, 0);
                    out.put(key.value(), v == null ? value : v.value());
                }
                continue;
            }
            if (at[0] < lines.size() && lines.get(at[0])[1].startsWith("-")
                    && Integer.parseInt(lines.get(at[0])[0]) >= indent) {
                List<String> list = new ArrayList<>();
                int itemIndent = Integer.parseInt(lines.get(at[0])[0]);
                while (at[0] < lines.size() && Integer.parseInt(lines.get(at[0])[0]) == itemIndent
                        && (lines.get(at[0])[1].startsWith("- ") || lines.get(at[0])[1].equals("-"))) {
                    Scalar item = scalar(lines.get(at[0])[1].substring(1).strip(), 0);
                    list.add(item == null ? "" : item.value());
                    at[0]++;
                }
                out.put(key.value(), list);
            } else if (at[0] < lines.size() && Integer.parseInt(lines.get(at[0])[0]) > indent) {
                Map<String, Object> sub = new TreeMap<>();
                treeMap(lines, at, Integer.parseInt(lines.get(at[0])[0]), sub);
                out.put(key.value(), sub);
            } else {
                out.put(key.value(), new TreeMap<String, Object>());
            }
        }
    }

    /** A decoded scalar and the index just past it. */
    private record Scalar(String value, int end) {
    }

    /** The key of a top-level line; {@code end} is the index of its ':'. Null when the line is no {@code key: }. */
    private static Scalar key(String line) {
        char first = line.charAt(0);
        if (first == '"' || first == '\'') {
            Scalar k = quoted(line, 0);
            if (k == null) {
                return null;
            }
            int i = k.end();
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            return i < line.length() && line.charAt(i) == ':' ? new Scalar(k.value(), i) : null;
        }
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                return i == 0 ? null : new Scalar(line.substring(0, i).strip(), i);
            }
        }
        return null;
    }

    /** A scalar starting at {@code from}: quoted (decoded) or plain (up to a comment). Null if it does not close. */
    private static Scalar scalar(String s, int from) {
        if (from < s.length() && (s.charAt(from) == '"' || s.charAt(from) == '\'')) {
            return quoted(s, from);
        }
        String plain = stripComment(s.substring(from)).strip();
        return new Scalar(plain, s.length());
    }

    private static List<String> flowList(String inner) {
        List<String> items = new ArrayList<>();
        int i = 0;
        while (i < inner.length()) {
            while (i < inner.length() && inner.charAt(i) == ' ') {
                i++;
            }
            if (i >= inner.length()) {
                break;
            }
            if (inner.charAt(i) == '"' || inner.charAt(i) == '\'') {
                Scalar q = quoted(inner, i);
                if (q == null) {
                    items.add(inner.substring(i).strip());
                    break;
                }
                items.add(q.value());
                i = q.end();
                int comma = inner.indexOf(',', i);
                i = comma < 0 ? inner.length() : comma + 1;
            } else {
                int comma = inner.indexOf(',', i);
                int end = comma < 0 ? inner.length() : comma;
                items.add(inner.substring(i, end).strip());
                i = end + 1;
            }
        }
        return items;
    }

    /** A single- or double-quoted scalar at {@code from}, decoded; null when it does not close on the line. */
    private static Scalar quoted(String s, int from) {
        char q = s.charAt(from);
        StringBuilder b = new StringBuilder();
        for (int i = from + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q == '\'') {
                if (c == '\'') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                        b.append('\'');
                        i++;
                        continue;
                    }
                    return new Scalar(b.toString(), i + 1);
                }
                b.append(c);
                continue;
            }
            if (c == '"') {
                return new Scalar(b.toString(), i + 1);
            }
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '0' -> b.append('\0');
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 't', '\t' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'v' -> b.append('\u000B');
                case 'f' -> b.append('\f');
                case 'r' -> b.append('\r');
                case 'e' -> b.append('\u001B');
                case ' ' -> b.append(' ');
                case '"' -> b.append('"');
                case '/' -> b.append('/');
                case '\\' -> b.append('\\');
                case 'N' -> b.append('\u0085');
                case '_' -> b.append('\u00A0');
                case 'L' -> b.append('\u2028');
                case 'P' -> b.append('\u2029');
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    try {
                        b.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + n), 16));
                        i += n;
                    } catch (RuntimeException bad) {
                        b.append('\\').append(e);
                    }
                }
                default -> b.append('\\').append(e);
            }
        }
        return null;
    }

    /** The line up to a {@code #} comment outside quotes (a {@code #} starts one after whitespace only). */
    private static String stripComment(String line) {
        boolean inSingle = false;
        boolean inDouble = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inDouble && c == '\\') {
                i++;
            } else if (c == '"' && !inSingle) {
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
