package dev.pictl.sim.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The small YAML subset Kubernetes manifests and k3s {@code config.yaml} files use: block mappings and
 * sequences (including the compact {@code key:\n- item} form), flow {@code [..]} and {@code {..}}, plain,
 * single- and double-quoted scalars, {@code |} / {@code >} block scalars, comments and {@code ---} documents.
 * Anchors, aliases, tags and multi-line plain scalars are not supported (a parse error says so).
 * Values become {@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Long}, {@link Double},
 * {@link Boolean} or {@code null}.
 */
public final class Yaml {
    private Yaml() {}

    /** A parse error with its 1-based line number. */
    public static final class YamlException extends RuntimeException {
        private final int line;
        YamlException(int line, String message) { super("yaml: line " + line + ": " + message); this.line = line; }
        public int line() { return line; }
    }

    private record Line(int number, int indent, String content, String raw) {}

    /** Every non-empty document of a multi-document stream. */
    public static List<Object> parseAll(String text) {
        List<Object> docs = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int start = 1, n = 0;
        for (String l : text.split("\r?\n", -1)) {
            n++;
            if (l.startsWith("---") && (l.length() == 3 || Character.isWhitespace(l.charAt(3)))
                    || l.equals("...")) {
                addDoc(docs, cur, start);
                cur = new ArrayList<>();
                start = n + 1;
                String rest = l.startsWith("---") ? l.substring(3).trim() : "";
                if (!rest.isEmpty() && !rest.startsWith("#")) cur.add(rest);
                continue;
            }
            cur.add(l);
        }
        addDoc(docs, cur, start);
        return docs;
    }

    private static void addDoc(List<Object> docs, List<String> lines, int firstLine) {
        Object o = new Parser(lines, firstLine).parseDocument();
        if (o != null) docs.add(o);
    }

    /** One document (the first, if there are several); null for an empty one. */
    public static Object parse(String text) {
        List<Object> all = parseAll(text);
        return all.isEmpty() ? null : all.get(0);
    }

    private static final class Parser {
        private final List<Line> lines = new ArrayList<>();
        private int pos;

        Parser(List<String> raw, int firstLine) {
            for (int i = 0; i < raw.size(); i++) {
                String r = raw.get(i);
                if (r.indexOf('\t') >= 0 && r.substring(0, indentOf(r)).indexOf('\t') >= 0) {
                    throw new YamlException(firstLine + i, "found character that cannot start any token");
                }
                lines.add(new Line(firstLine + i, indentOf(r), stripComment(r.trim()), r));
            }
        }

        private static int indentOf(String s) {
            int i = 0;
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            return i;
        }

        Object parseDocument() {
            Line l = peek();
            if (l == null) return null;
            Object o = parseNode(l.indent());
            Line rest = peek();
            if (rest != null) throw new YamlException(rest.number(), "did not find expected key");
            return o;
        }

        private Line peek() {
            while (pos < lines.size() && lines.get(pos).content().isEmpty()) pos++;
            return pos < lines.size() ? lines.get(pos) : null;
        }

        private Object parseNode(int indent) {
            Line l = peek();
            if (l == null || l.indent() < indent) return null;
            if (isSeqItem(l.content())) return parseSeq(l.indent());
            if (findColon(l.content()) < 0) {
                pos++;
                return scalar(l.content(), l.number());
            }
            return parseMap(l.indent());
        }

        private static boolean isSeqItem(String c) { return c.equals("-") || c.startsWith("- "); }

        private List<Object> parseSeq(int indent) {
            List<Object> out = new ArrayList<>();
            while (true) {
                Line l = peek();
                if (l == null || l.indent() != indent || !isSeqItem(l.content())) break;
                pos++;
                String rest = l.content().substring(1);
                int extra = 1 + (rest.length() - rest.stripLeading().length());
                rest = rest.strip();
                if (rest.isEmpty()) {
                    Line nx = peek();
                    out.add(nx != null && nx.indent() > indent ? parseNode(nx.indent()) : null);
                } else if (isSeqItem(rest) || (findColon(rest) >= 0 && !rest.startsWith("[") && !rest.startsWith("{")
                        && !rest.startsWith("\"") && !rest.startsWith("'"))
                        || (findColon(rest) >= 0 && (rest.startsWith("\"") || rest.startsWith("'")) && keyEndsQuoted(rest))) {
                    // "- key: value" opens a mapping whose keys sit at indent + extra
                    pos--;
                    lines.set(pos, new Line(l.number(), indent + extra, rest, l.raw()));
                    out.add(parseNode(indent + extra));
                } else {
                    out.add(scalar(rest, l.number()));
                }
            }
            return out;
        }

        private static boolean keyEndsQuoted(String s) {
            char q = s.charAt(0);
            int end = s.indexOf(q, 1);
            return end > 0 && end + 1 < s.length() && s.charAt(end + 1) == ':';
        }

        private Map<String, Object> parseMap(int indent) {
            Map<String, Object> out = new LinkedHashMap<>();
            while (true) {
                Line l = peek();
                if (l == null || l.indent() != indent || isSeqItem(l.content())) {
                    if (l != null && l.indent() > indent) throw new YamlException(l.number(), "mapping values are not allowed in this context");
                    break;
                }
                int c = findColon(l.content());
                if (c < 0) throw new YamlException(l.number(), "could not find expected ':'");
                pos++;
                String key = unquoteKey(l.content().substring(0, c).strip(), l.number());
                String val = l.content().substring(c + 1).strip();
                Object v;
                if (val.isEmpty()) {
                    Line nx = peek();
                    if (nx != null && nx.indent() > indent) v = parseNode(nx.indent());
                    else if (nx != null && nx.indent() == indent && isSeqItem(nx.content())) v = parseSeq(indent);
                    else v = null;
                } else if (val.startsWith("|") || val.startsWith(">")) {
                    v = blockScalar(val, indent);
                } else if (val.startsWith("&") || val.startsWith("*") || val.startsWith("!")) {
                    throw new YamlException(l.number(), "anchors, aliases and tags are not supported by the pictl simulator");
                } else {
                    v = scalar(val, l.number());
                }
                if (out.containsKey(key)) throw new YamlException(l.number(), "key \"" + key + "\" already set in map");
                out.put(key, v);
            }
            return out;
        }

        private String blockScalar(String header, int indent) {
            boolean literal = header.startsWith("|");
            boolean strip = header.contains("-"), keep = header.contains("+");
            List<String> body = new ArrayList<>();
            int blockIndent = -1;
            while (pos < lines.size()) {
                Line l = lines.get(pos);
                if (l.raw().isBlank()) { body.add(""); pos++; continue; }
                if (l.indent() <= indent) break;
                if (blockIndent < 0) blockIndent = l.indent();
                if (l.indent() < blockIndent) break;
                body.add(l.raw().substring(blockIndent));
                pos++;
            }
            while (!body.isEmpty() && body.get(body.size() - 1).isEmpty() && !keep) body.remove(body.size() - 1);
            String text = literal ? String.join("\n", body) : String.join(" ", body).replace("  ", " ");
            return strip || body.isEmpty() ? text : text + "\n";
        }

        private static String unquoteKey(String k, int line) {
            if (k.startsWith("\"") || k.startsWith("'")) return (String) scalar(k, line);
            return k;
        }
    }

    /** Index of the ':' that separates a key from its value, or -1. */
    static int findColon(String s) {
        char q = 0;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (q != 0) { if (q == '"' && ch == '\\') i++; else if (ch == q) q = 0; continue; }
            if ((ch == '"' || ch == '\'') && (i == 0)) { q = ch; continue; }
            if (ch == '[' || ch == '{') depth++;
            if (ch == ']' || ch == '}') depth--;
            if (ch == ':' && depth == 0 && (i + 1 == s.length() || s.charAt(i + 1) == ' ')) return i;
        }
        return -1;
    }

    static String stripComment(String s) {
        char q = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (q != 0) { if (q == '"' && ch == '\\') i++; else if (ch == q) q = 0; continue; }
            if (ch == '"' || ch == '\'') { if (i == 0 || " :[{,-".indexOf(s.charAt(i - 1)) >= 0) q = ch; continue; }
            if (ch == '#' && (i == 0 || s.charAt(i - 1) == ' ')) return s.substring(0, i).stripTrailing();
        }
        return s;
    }

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    static Object scalar(String s, int line) {
        if (s.startsWith("[") || s.startsWith("{")) {
            Flow f = new Flow(s, line);
            Object o = f.value();
            f.skipWs();
            if (f.i != s.length()) throw new YamlException(line, "did not find expected ',' or ']'");
            return o;
        }
        if (s.startsWith("\"")) return doubleQuoted(s, line);
        if (s.startsWith("'")) {
            if (s.length() < 2 || !s.endsWith("'")) throw new YamlException(line, "found unexpected end of stream");
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        return plain(s);
    }

    private static Object plain(String s) {
        switch (s) {
            case "~": case "null": case "Null": case "NULL": return null;
            case "true": case "True": case "TRUE": return Boolean.TRUE;
            case "false": case "False": case "FALSE": return Boolean.FALSE;
            default: break;
        }
        if (INT.matcher(s).matches()) {
            try { return Long.parseLong(s.startsWith("+") ? s.substring(1) : s); } catch (NumberFormatException e) { return s; }
        }
        if (FLOAT.matcher(s).matches()) return Double.parseDouble(s);
        return s;
    }

    private static String doubleQuoted(String s, int line) {
        StringBuilder b = new StringBuilder();
        int i = 1;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') break;
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't', '\t' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '0' -> b.append('\0');
                    case 'a' -> b.append('\u0007');
                    case 'b' -> b.append('\b');
                    case 'v' -> b.append('\u000B');
                    case 'f' -> b.append('\f');
                    case 'e' -> b.append('\u001B');
                    case ' ' -> b.append(' ');
                    case 'N' -> b.append('\u0085');
                    case '_' -> b.append('\u00A0');
                    case 'L' -> b.append('\u2028');
                    case 'P' -> b.append('\u2029');
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'x', 'u', 'U' -> {
                        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (i + n >= s.length()) throw new YamlException(line, "found unexpected end of stream");
                        try { b.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + n), 16)); }
                        catch (IllegalArgumentException bad) { throw new YamlException(line, "found unknown escape character while parsing a quoted scalar"); }
                        i += n;
                    }
                    default -> throw new YamlException(line, "found unknown escape character while parsing a quoted scalar");
                }
            } else b.append(c);
        }
        if (i >= s.length()) throw new YamlException(line, "found unexpected end of stream");
        if (!s.substring(i + 1).isBlank()) throw new YamlException(line, "did not find expected key");
        return b.toString();
    }

    private static final class Flow {
        final String s; final int line; int i;
        Flow(String s, int line) { this.s = s; this.line = line; }
        void skipWs() { while (i < s.length() && s.charAt(i) == ' ') i++; }
        Object value() {
            skipWs();
            if (i >= s.length()) throw new YamlException(line, "unexpected end of flow collection");
            char c = s.charAt(i);
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                skipWs();
                if (i < s.length() && s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    skipWs();
                    if (i >= s.length()) throw new YamlException(line, "did not find expected ',' or ']'");
                    char d = s.charAt(i++);
                    if (d == ']') return l;
                    if (d != ',') throw new YamlException(line, "did not find expected ',' or ']'");
                }
            }
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipWs();
                if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    Object k = value();
                    skipWs();
                    if (i >= s.length() || s.charAt(i) != ':') throw new YamlException(line, "did not find expected ':'");
                    i++;
                    m.put(String.valueOf(k), value());
                    skipWs();
                    if (i >= s.length()) throw new YamlException(line, "did not find expected ',' or '}'");
                    char d = s.charAt(i++);
                    if (d == '}') return m;
                    if (d != ',') throw new YamlException(line, "did not find expected ',' or '}'");
                }
            }
            if (c == '"' || c == '\'') {
                int end = s.indexOf(c, i + 1);
                while (c == '"' && end > 0 && s.charAt(end - 1) == '\\') end = s.indexOf(c, end + 1);
                if (end < 0) throw new YamlException(line, "found unexpected end of stream");
                Object v = scalar(s.substring(i, end + 1), line);
                i = end + 1;
                return v;
            }
            int st = i;
            while (i < s.length() && ",]}".indexOf(s.charAt(i)) < 0 && !(s.charAt(i) == ':' && (i + 1 >= s.length() || s.charAt(i + 1) == ' '))) i++;
            return plain(s.substring(st, i).strip());
        }
    }

    // ---------------------------------------------------------------- output

    /** YAML the way kubectl prints it: keys sorted, sequences at their key's indentation. */
    public static String dump(Object o) {
        StringBuilder b = new StringBuilder();
        if (o instanceof Map<?, ?> m && !m.isEmpty()) writeMap(b, m, 0);
        else if (o instanceof List<?> l && !l.isEmpty()) writeList(b, l, 0);
        else b.append(scalarText(o)).append('\n');
        return b.toString();
    }

    private static void writeMap(StringBuilder b, Map<?, ?> m, int ind) {
        boolean first = true;
        for (Map.Entry<String, Object> e : sorted(m).entrySet()) {
            if (!first) b.append(" ".repeat(ind));
            first = false;
            b.append(keyText(e.getKey())).append(':');
            writeValue(b, e.getValue(), ind, false);
        }
    }

    private static void writeValue(StringBuilder b, Object v, int ind, boolean inList) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            b.append('\n').append(" ".repeat(ind + 2));
            writeMap(b, m, ind + 2);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            b.append('\n').append(" ".repeat(ind));
            writeList(b, l, ind);
        } else {
            b.append(' ').append(scalarText(v)).append('\n');
        }
    }

    private static void writeList(StringBuilder b, List<?> l, int ind) {
        boolean first = true;
        for (Object item : l) {
            if (!first) b.append(" ".repeat(ind));
            first = false;
            b.append("- ");
            if (item instanceof Map<?, ?> m && !m.isEmpty()) writeMap(b, m, ind + 2);
            else if (item instanceof List<?> sub && !sub.isEmpty()) { writeList(b, sub, ind + 2); }
            else b.append(scalarText(item)).append('\n');
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sorted(Map<?, ?> m) {
        return new TreeMap<>((Map<String, Object>) m);
    }

    private static String keyText(String k) {
        return needsQuotes(k) ? quote(k) : k;
    }

    private static final Pattern DATEISH = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

    private static String scalarText(Object v) {
        if (v == null) return "null";
        if (v instanceof Map<?, ?>) return "{}";
        if (v instanceof List<?>) return "[]";
        if (v instanceof Boolean || v instanceof Number) return String.valueOf(v);
        String s = v.toString();
        return needsQuotes(s) ? quote(s) : s;
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty()) return true;
        if (!(plain(s) instanceof String)) return true;
        if (s.equalsIgnoreCase("yes") || s.equalsIgnoreCase("no") || s.equalsIgnoreCase("on") || s.equalsIgnoreCase("off") || s.equals("y") || s.equals("n")) return true;
        if (DATEISH.matcher(s).matches()) return true;
        if ("-?:,[]{}#&*!|>'\"%@` ".indexOf(s.charAt(0)) >= 0) return true;
        if (s.contains(": ") || s.contains(" #") || s.endsWith(":") || s.endsWith(" ") || s.contains("\n") || s.contains("\t")) return true;
        return false;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
