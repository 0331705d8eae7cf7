package dev.pictl.config;

/**
 * What text can reach a node, for the validator's messages. Files pictl writes on a node encode every value by
 * structure (config.yaml as quoted YAML scalars, commands as single-quoted words), so most characters travel
 * safely; a few cannot travel at all:
 *
 * <ul>
 *   <li>NUL (U+0000): every value ends up as a C string on the node (a k3s flag value, a path, a command-line
 *       word) and would be cut there;</li>
 *   <li>an unpaired UTF-16 surrogate: it has no UTF-8 form, so no file can hold it;</li>
 *   <li>where a value must be one printable line (cmdline.txt tokens, paths), any control character.</li>
 * </ul>
 */
public final class NodeText {
    private NodeText() {
    }

    /** Index of the first character that cannot be written, or -1. {@code controls}: refuse C0/DEL/C1 too. */
    public static int firstUnwritable(String s, boolean controls) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            if (c == 0 || Character.isSurrogate(c) || controls && isControl(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029;
    }

    /** Whether the surrogate at {@code i} is half of a pair. */
    private static boolean paired(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** "a NUL character (U+0000) at character 4" and the like. */
    public static String describe(String s, int i) {
        char c = s.charAt(i);
        String what = c == 0 ? "a NUL character"
                : Character.isSurrogate(c) ? "an unpaired UTF-16 surrogate"
                : c == '\n' ? "a newline"
                : c == '\r' ? "a carriage return"
                : c == '\t' ? "a tab"
                : c == 0x1b ? "an escape character"
                : "a control character";
        return what + String.format(" (U+%04X) at character %d", (int) c, i + 1);
    }

    /** A value for a message: quoted, or "(sensitive value)". */
    public static String display(dev.pictl.resource.Value v) {
        if (v.sensitive()) {
            return "(sensitive value)";
        }
        String s = Functions.asString(v);
        return s == null ? v.typeName() : dev.pictl.diag.TerminalText.quote(s);
    }

    /** {@code s} in quotes for a message, control characters escaped, at most 60 characters shown. */
    public static String show(String s) {
        StringBuilder b = new StringBuilder("\"");
        int shown = 0;
        for (int i = 0; i < s.length(); i++, shown++) {
            if (shown == 60) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (isControl(c) || Character.isSurrogate(c) && !paired(s, i)) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
