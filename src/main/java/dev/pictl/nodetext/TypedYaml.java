package dev.pictl.nodetext;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one writer and reader of typed YAML trees: a Helm chart's values ({@code valuesContent} of k3s's HelmChart).
 * Unlike {@link SimpleYaml}, whose config.yaml is all strings, a chart's values keep their types: a chart's
 * {@code {{ if .Values.x.enabled }}} takes the string {@code "false"} for true.
 *
 * <p>{@link #write} encodes by structure, never by splicing: maps in block style with keys sorted, every key and every
 * string double-quoted and escaped by {@link SimpleYaml#quote} (so no value can become structure), booleans as
 * {@code true}/{@code false}, integers and decimals as plain numbers, {@code null} as {@code null}, lists as {@code -}
 * items (a map or list inside a list on the lines below its {@code -}), empty ones as {@code {}} and {@code []}.
 * The same tree always gives the same bytes.
 *
 * <p>{@link #read} takes what {@link #write} writes and what people write by hand in {@code kubectl edit}: block
 * maps and lists (compact {@code - key: value} items too), flow lists and maps, plain, single- and double-quoted
 * scalars, literal and folded block scalars ({@code |}, {@code >}), comments. Plain scalars are typed as Helm's
 * YAML reader (go-yaml, YAML 1.1) types them: {@code null ~}, booleans ({@code true false yes no on off}, any case
 * form), integers, decimals; anything else is a string. Anchors, aliases and tags are refused. A malformed text
 * gives an {@link IllegalArgumentException} naming its line.
 */
public final class TypedYaml {
    private TypedYaml() {
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    /** A tree of maps, lists and scalars (String, Boolean, Integer, Long, BigInteger, BigDecimal, null) as YAML. */
    public static String write(Map<String, ?> tree) {
        if (tree.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        map(b, tree, "");
        return b.toString();
    }

    private static void map(StringBuilder b, Map<?, ?> m, String indent) {
        Map<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            b.append(indent).append(SimpleYaml.quote(e.getKey())).append(':');
            node(b, e.getValue(), indent);
        }
    }

    /** The rest of a line after {@code key:} or {@code -}: an inline value, or a newline and the block below. */
    private static void node(StringBuilder b, Object v, String indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            b.append('\n');
            map(b, m, indent + "  ");
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            b.append('\n');
            for (Object item : l) {
                b.append(indent).append("  -");
                node(b, item, indent + "  ");
            }
        } else {
            b.append(' ').append(scalar(v)).append('\n');
        }
    }

    /** A scalar (or an empty map or list) as YAML text. */
    public static String scalar(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof Map<?, ?>) {
            return "{}";
        } else if (v instanceof List<?>) {
            return "[]";
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            return v.toString();
        } else if (v instanceof BigDecimal d) {
            return d.toPlainString();
        } else if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString()).toPlainString();
        }
        return SimpleYaml.quote(String.valueOf(v));
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    /** One content line: its number (1-based), indentation and text (comments stripped, unless in a block scalar). */
    private record Line(int number, int indent, String text, String raw) {
    }

    /** Reads a YAML document whose top is a map (empty text: an empty map). */
    public static Map<String, Object> read(String text) {
        List<Line> lines = new ArrayList<>();
        String[] raw = text == null ? new String[0] : text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String r = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (r.indexOf('\t') >= 0 && r.strip().startsWith("\t")) {
                throw error(i + 1, "a tab in the indentation");
            }
            String content = stripComment(r).stripTrailing();
            int indent = 0;
            while (indent < content.length() && content.charAt(indent) == ' ') {
                indent++;
            }
            String t = content.substring(indent);
            if (lines.isEmpty() && (t.equals("---") || t.startsWith("%"))) {
                continue;
            }
            if (t.equals("...")) {
                break;
            }
            if (t.equals("---")) {
                throw error(i + 1, "a second document");
            }
            lines.add(new Line(i + 1, indent, t, r));
        }
        Reader rd = new Reader(lines);
        rd.skipBlank();
        if (rd.at >= lines.size()) {
            return new TreeMap<>();
        }
        Object top = rd.block(lines.get(rd.at).indent());
        rd.skipBlank();
        if (rd.at < lines.size()) {
            throw error(lines.get(rd.at).number(), "unexpected indentation");
        }
        if (top == null) {
            return new TreeMap<>();
        }
        if (!(top instanceof Map<?, ?>)) {
            throw error(1, "the values are not a map");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) top;
        return m;
    }

    private static IllegalArgumentException error(int line, String what) {
        return new IllegalArgumentException("line " + line + ": " + what);
    }

    /** The line without a {@code #} comment (one at the start or after a space, outside quotes). */
    static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (dbl) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    dbl = false;
                }
            } else if (single) {
                if (c == '\'') {
                    single = false;
                }
            } else if (c == '"' && (i == 0 || " :-[{,".indexOf(line.charAt(i - 1)) >= 0)) {
                dbl = true;
            } else if (c == '\'' && (i == 0 || " :-[{,".indexOf(line.charAt(i - 1)) >= 0)) {
                single = true;
            } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static final class Reader {
        final List<Line> lines;
        int at;

        Reader(List<Line> lines) {
            this.lines = new ArrayList<>(lines);
        }

        void skipBlank() {
            while (at < lines.size() && lines.get(at).text().isEmpty()) {
                at++;
            }
        }

        /** The block node whose first line is at {@code indent}: a list, a map or a lone scalar. */
        Object block(int indent) {
            skipBlank();
            Line first = lines.get(at);
            if (isItem(first.text())) {
                return list(first.indent());
            }
            if (keyEnd(first.text()) >= 0) {
                return map(first.indent());
            }
            at++;
            return inline(first.text(), first.number());
        }

        static boolean isItem(String t) {
            return t.equals("-") || t.startsWith("- ");
        }

        List<Object> list(int indent) {
            List<Object> out = new ArrayList<>();
            while (true) {
                skipBlank();
                if (at >= lines.size()) {
                    return out;
                }
                Line l = lines.get(at);
                if (l.indent() < indent || !isItem(l.text())) {
                    if (l.indent() > indent) {
                        throw error(l.number(), "unexpected indentation");
                    }
                    return out;
                }
                if (l.indent() > indent) {
                    throw error(l.number(), "unexpected indentation");
                }
                String rest = l.text().substring(1);
                int spaces = 0;
                while (spaces < rest.length() && rest.charAt(spaces) == ' ') {
                    spaces++;
                }
                rest = rest.substring(spaces);
                if (rest.isEmpty()) {
                    at++;
                    skipBlank();
                    if (at < lines.size() && lines.get(at).indent() > indent) {
                        out.add(block(lines.get(at).indent()));
                    } else {
                        out.add(null);
                    }
                } else {
                    // "- x": x is a node that starts at the column after the dash, as if on its own line
                    lines.set(at, new Line(l.number(), indent + 1 + spaces, rest, l.raw()));
                    out.add(block(indent + 1 + spaces));
                }
            }
        }

        Map<String, Object> map(int indent) {
            Map<String, Object> out = new TreeMap<>();
            while (true) {
                skipBlank();
                if (at >= lines.size()) {
                    return out;
                }
                Line l = lines.get(at);
                if (l.indent() < indent) {
                    return out;
                }
                if (l.indent() > indent) {
                    throw error(l.number(), "unexpected indentation");
                }
                if (isItem(l.text())) {
                    return out; // a list at the parent key's indentation ends this map
                }
                int colon = keyEnd(l.text());
                if (colon < 0) {
                    throw error(l.number(), "expected \"key: value\"");
                }
                String key = keyText(l.text().substring(0, colon).strip(), l.number());
                if (out.containsKey(key)) {
                    throw error(l.number(), "the key " + SimpleYaml.quote(key) + " is given twice");
                }
                String value = l.text().substring(colon + 1).strip();
                at++;
                if (value.isEmpty()) {
                    skipBlank();
                    if (at < lines.size() && (lines.get(at).indent() > indent
                            || lines.get(at).indent() == indent && isItem(lines.get(at).text()))) {
                        out.put(key, block(lines.get(at).indent()));
                    } else {
                        out.put(key, null);
                    }
                } else if (value.startsWith("|") || value.startsWith(">")) {
                    out.put(key, blockScalar(value, indent, l.number()));
                } else {
                    out.put(key, inline(value, l.number()));
                }
            }
        }

        /** A literal ({@code |}) or folded ({@code >}) scalar: the more-indented lines below, from the raw text. */
        String blockScalar(String header, int indent, int number) {
            char style = header.charAt(0);
            String chomp = header.length() > 1 ? header.substring(1).strip() : "";
            if (!chomp.isEmpty() && !chomp.equals("-") && !chomp.equals("+")) {
                throw error(number, "block scalar header " + header + " is not supported");
            }
            List<String> body = new ArrayList<>();
            int own = -1;
            while (at < lines.size()) {
                Line l = lines.get(at);
                String raw = l.raw();
                int ind = 0;
                while (ind < raw.length() && raw.charAt(ind) == ' ') {
                    ind++;
                }
                boolean blank = raw.strip().isEmpty();
                if (!blank && ind <= indent) {
                    break;
                }
                if (!blank && own < 0) {
                    own = ind;
                }
                if (!blank && ind < own) {
                    throw error(l.number(), "a block scalar line indented less than its first line");
                }
                body.add(blank ? "" : raw.substring(own));
                at++;
            }
            int end = body.size();
            while (end > 0 && body.get(end - 1).isEmpty()) {
                end--;
            }
            List<String> kept = body.subList(0, end);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < kept.size(); i++) {
                String s = kept.get(i);
                if (i > 0) {
                    boolean fold = style == '>' && !s.isEmpty() && !kept.get(i - 1).isEmpty()
                            && !s.startsWith(" ") && !kept.get(i - 1).startsWith(" ");
                    b.append(fold ? " " : "\n");
                }
                b.append(s);
            }
            if (!kept.isEmpty() && !chomp.equals("-")) {
                b.append('\n');
            }
            if (chomp.equals("+")) {
                b.append("\n".repeat(body.size() - end));
            }
            return b.toString();
        }
    }

    /** The index of the {@code :} that ends a line's key (followed by a space or the end), or -1. */
    static int keyEnd(String t) {
        int i = 0;
        if (t.startsWith("\"") || t.startsWith("'")) {
            int close = closingQuote(t, 0);
            if (close < 0) {
                return -1;
            }
            i = close + 1;
            while (i < t.length() && t.charAt(i) == ' ') {
                i++;
            }
            return i < t.length() && t.charAt(i) == ':' && (i + 1 == t.length() || t.charAt(i + 1) == ' ') ? i : -1;
        }
        if (t.startsWith("[") || t.startsWith("{")) {
            return -1;
        }
        for (; i < t.length(); i++) {
            if (t.charAt(i) == ':' && (i + 1 == t.length() || t.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static int closingQuote(String t, int open) {
        char q = t.charAt(open);
        for (int i = open + 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                if (q == '\'' && i + 1 < t.length() && t.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String keyText(String k, int line) {
        if (k.startsWith("\"") || k.startsWith("'")) {
            return (String) quoted(k, line);
        }
        refuseSpecial(k, line);
        return k;
    }

    private static void refuseSpecial(String t, int line) {
        if (t.startsWith("&") || t.startsWith("*") || t.startsWith("!") || t.startsWith("?") || t.startsWith("<<")) {
            throw error(line, "anchors, aliases, tags and complex keys are not supported");
        }
    }

    /** An inline value: a flow collection or a scalar. */
    static Object inline(String t, int line) {
        if (t.startsWith("[") || t.startsWith("{")) {
            int[] pos = {0};
            Object v = flow(t, pos, line);
            skipSpaces(t, pos);
            if (pos[0] != t.length()) {
                throw error(line, "text after a flow collection");
            }
            return v;
        }
        if (t.startsWith("\"") || t.startsWith("'")) {
            return quoted(t, line);
        }
        refuseSpecial(t, line);
        return plain(t);
    }

    private static void skipSpaces(String t, int[] pos) {
        while (pos[0] < t.length() && t.charAt(pos[0]) == ' ') {
            pos[0]++;
        }
    }

    private static Object flow(String t, int[] pos, int line) {
        skipSpaces(t, pos);
        if (pos[0] >= t.length()) {
            throw error(line, "an unclosed flow collection");
        }
        char c = t.charAt(pos[0]);
        if (c == '[') {
            pos[0]++;
            List<Object> out = new ArrayList<>();
            skipSpaces(t, pos);
            if (pos[0] < t.length() && t.charAt(pos[0]) == ']') {
                pos[0]++;
                return out;
            }
            while (true) {
                out.add(flow(t, pos, line));
                skipSpaces(t, pos);
                if (pos[0] >= t.length()) {
                    throw error(line, "an unclosed flow list");
                }
                char d = t.charAt(pos[0]++);
                if (d == ']') {
                    return out;
                }
                if (d != ',') {
                    throw error(line, "expected , or ] in a flow list");
                }
            }
        }
        if (c == '{') {
            pos[0]++;
            Map<String, Object> out = new TreeMap<>();
            skipSpaces(t, pos);
            if (pos[0] < t.length() && t.charAt(pos[0]) == '}') {
                pos[0]++;
                return out;
            }
            while (true) {
                Object k = flowScalar(t, pos, line, true);
                skipSpaces(t, pos);
                if (pos[0] >= t.length() || t.charAt(pos[0]) != ':') {
                    throw error(line, "expected : in a flow map");
                }
                pos[0]++;
                out.put(String.valueOf(k), flow(t, pos, line));
                skipSpaces(t, pos);
                if (pos[0] >= t.length()) {
                    throw error(line, "an unclosed flow map");
                }
                char d = t.charAt(pos[0]++);
                if (d == '}') {
                    return out;
                }
                if (d != ',') {
                    throw error(line, "expected , or } in a flow map");
                }
            }
        }
        return flowScalar(t, pos, line, false);
    }

    private static Object flowScalar(String t, int[] pos, int line, boolean key) {
        skipSpaces(t, pos);
        int start = pos[0];
        if (start < t.length() && (t.charAt(start) == '"' || t.charAt(start) == '\'')) {
            int close = closingQuote(t, start);
            if (close < 0) {
                throw error(line, "an unclosed quote");
            }
            pos[0] = close + 1;
            return quoted(t.substring(start, close + 1), line);
        }
        int i = start;
        while (i < t.length() && ",]}".indexOf(t.charAt(i)) < 0
                && !(t.charAt(i) == ':' && (key || i + 1 == t.length() || t.charAt(i + 1) == ' '))) {
            i++;
        }
        pos[0] = i;
        String s = t.substring(start, i).strip();
        refuseSpecial(s, line);
        return key ? s : plain(s);
    }

    /** A plain scalar, typed as go-yaml (YAML 1.1) types it. */
    static Object plain(String s) {
        switch (s) {
            case "", "~", "null", "Null", "NULL" -> {
                return null;
            }
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" -> {
                return Boolean.FALSE;
            }
            default -> {
            }
        }
        if (INT.matcher(s).matches()) {
            BigInteger i = new BigInteger(s.startsWith("+") ? s.substring(1) : s);
            return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
        }
        if (DECIMAL.matcher(s).matches() && s.chars().anyMatch(Character::isDigit)) {
            return new BigDecimal(s.startsWith("+") ? s.substring(1) : s).stripTrailingZeros();
        }
        return s;
    }

    /** A single- or double-quoted scalar, escapes decoded. */
    static Object quoted(String t, int line) {
        char q = t.charAt(0);
        int close = closingQuote(t, 0);
        if (close != t.length() - 1) {
            throw error(line, close < 0 ? "an unclosed quote" : "text after a quoted scalar");
        }
        String body = t.substring(1, close);
        if (q == '\'') {
            return body.replace("''", "'");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= body.length()) {
                throw error(line, "a backslash at the end of a quoted scalar");
            }
            char e = body.charAt(i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't', '\t' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '0' -> b.append('\0');
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'e' -> b.append('\u001b');
                case 'f' -> b.append('\f');
                case 'v' -> b.append('\u000b');
                case 'N' -> b.append('\u0085');
                case '_' -> b.append('\u00a0');
                case 'L' -> b.append('\u2028');
                case 'P' -> b.append('\u2029');
                case ' ', '"', '/', '\\' -> b.append(e);
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    String hex = body.substring(i + 1, Math.min(body.length(), i + 1 + n));
                    if (hex.length() != n || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw error(line, "a bad \\" + e + " escape");
                    }
                    b.appendCodePoint(Integer.parseInt(hex, 16));
                    i += n;
                }
                default -> throw error(line, "an unknown escape \\" + e);
            }
        }
        return b.toString();
    }
}
