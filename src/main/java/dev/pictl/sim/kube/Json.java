package dev.pictl.sim.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON in and out for the simulated Kubernetes API; output is kubectl's: keys sorted, four-space indent. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** Parses one JSON value into maps, lists, strings, numbers, booleans and nulls. */
    public static Object parse(String text) throws JsonProcessingException {
        return MAPPER.readValue(text, Object.class);
    }

    /** Pretty JSON as {@code kubectl get -o json} prints it. */
    public static String pretty(Object o) {
        StringBuilder b = new StringBuilder();
        write(b, o, 0, true);
        return b.append('\n').toString();
    }

    /** Compact JSON (used for the last-applied-configuration annotation). */
    public static String compact(Object o) {
        StringBuilder b = new StringBuilder();
        write(b, o, 0, false);
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder b, Object o, int ind, boolean pretty) {
        if (o instanceof Map<?, ?> m) {
            if (m.isEmpty()) { b.append("{}"); return; }
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : new TreeMap<>((Map<String, Object>) m).entrySet()) {
                if (!first) b.append(',');
                first = false;
                if (pretty) b.append('\n').append(" ".repeat(ind + 4));
                str(b, e.getKey());
                b.append(pretty ? ": " : ":");
                write(b, e.getValue(), ind + 4, pretty);
            }
            if (pretty) b.append('\n').append(" ".repeat(ind));
            b.append('}');
        } else if (o instanceof List<?> l) {
            if (l.isEmpty()) { b.append("[]"); return; }
            b.append('[');
            boolean first = true;
            for (Object x : l) {
                if (!first) b.append(',');
                first = false;
                if (pretty) b.append('\n').append(" ".repeat(ind + 4));
                write(b, x, ind + 4, pretty);
            }
            if (pretty) b.append('\n').append(" ".repeat(ind));
            b.append(']');
        } else if (o == null) {
            b.append("null");
        } else if (o instanceof Number || o instanceof Boolean) {
            b.append(o);
        } else {
            str(b, o.toString());
        }
    }

    private static void str(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                case '&' -> b.append("\\u0026");
                default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
            }
        }
        b.append('"');
    }
}
