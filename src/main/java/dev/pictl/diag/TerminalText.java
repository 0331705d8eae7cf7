package dev.pictl.diag;

/**
 * The one escaper for text that reaches a terminal. A value from a description, a variable, the state, a saved
 * plan or a node may hold characters that a terminal obeys instead of showing: ESC starts an ANSI sequence that
 * can clear the screen or move the cursor, a newline or carriage return starts a fake line (a value could print
 * its own "Plan: 0 to add"), and the Unicode bidi controls reorder what is shown. Every text view prints such
 * values through here, and they come out visible, as Go and Terraform print them:
 *
 * <pre>
 * \n \r \t              newline, carriage return, tab
 * \x1b \x00 … \x7f      other C0 controls and DEL
 * \u0085 \u202e \u2028  C1 controls, bidi embeddings/overrides/isolates and marks, line/paragraph separators
 * </pre>
 *
 * <p>Printable text, non-ASCII letters included, is left alone. JSON output does not go through here: Jackson
 * escapes C0 controls itself, and a JSON reader gets the exact value.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** {@code s} in double quotes, with {@code "} and {@code \} escaped as well: an HCL-like string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        append(s, true, true, b);
        return b.append('"').toString();
    }

    /** {@code s} on one line: every control (newlines too) escaped; quotes and backslashes left alone. */
    public static String escape(String s) {
        if (s == null || isClean(s, false)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        append(s, false, true, b);
        return b.toString();
    }

    /**
     * {@code s} with its line breaks kept (for pictl's own multi-line details and for output read from a node,
     * whose lines are shown as lines): every other control escaped, so no line can be overwritten or recoloured.
     */
    public static String escapeKeepingLines(String s) {
        if (s == null || isClean(s, true)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        append(s, false, false, b);
        return b.toString();
    }

    /**
     * A source line for a diagnostic's excerpt: each control character replaced by U+FFFD, one for one, so the
     * marker under the line keeps its column.
     */
    public static String sourceLine(String line) {
        if (isClean(line, false)) {
            return line;
        }
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            b.append(needsEscape(c) ? '\uFFFD' : c);
        }
        return b.toString();
    }

    /** Whether {@code c} is a character a terminal would act on rather than show. */
    public static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || isBidiOrSeparator(c);
    }

    private static boolean isBidiOrSeparator(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029';
    }

    private static boolean isClean(String s, boolean newlinesAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (needsEscape(c) && !(newlinesAllowed && c == '\n')) {
                return false;
            }
        }
        return true;
    }

    private static void append(String s, boolean quoted, boolean newlines, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append(quoted ? "\\\"" : "\"");
                case '\\' -> b.append(quoted ? "\\\\" : "\\");
                case '\n' -> b.append(newlines ? "\\n" : "\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else if (needsEscape(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
