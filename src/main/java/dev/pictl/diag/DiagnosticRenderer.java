package dev.pictl.diag;

import java.util.List;
import java.util.function.Function;

/**
 * Renders diagnostics for people:
 *
 * <pre>
 * Error: cluster.hcl:14:3: unknown attribute "adress" in node "pi-1"; did you mean "address"?
 *
 *   14 |   adress = "192.168.1.10"
 *      |   ^^^^^^
 *
 *   A node block accepts: address, ssh, depends_on.
 * </pre>
 *
 * The first line carries everything a grep needs; the source line and marker show where; the detail says
 * what to do. Colour (ANSI) is on only when the caller asks for it.
 */
public final class DiagnosticRenderer {
    private static final String RESET = "\u001b[0m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String BOLD_YELLOW = "\u001b[1;33m";
    private static final String DIM = "\u001b[2m";

    private final Function<String, String> sourceText;
    private final boolean color;

    /**
     * @param sourceText returns the full text of a file by the name used in {@link SourceRange#file()}, or null
     * @param color      whether to emit ANSI colour codes
     */
    public DiagnosticRenderer(Function<String, String> sourceText, boolean color) {
        this.sourceText = sourceText;
        this.color = color;
    }

    public String render(List<Diagnostic> diagnostics) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            if (out.length() > 0) {
                out.append('\n');
            }
            render(d, out);
        }
        return out.toString();
    }

    public String render(Diagnostic d) {
        StringBuilder out = new StringBuilder();
        render(d, out);
        return out.toString();
    }

    private void render(Diagnostic d, StringBuilder out) {
        String head = d.severity().title() + ":";
        if (color) {
            head = (d.isError() ? BOLD_RED : BOLD_YELLOW) + head + RESET;
        }
        out.append(head).append(' ').append(TerminalText.escape(d.oneLine())).append('\n');
        SourceRange at = d.subject();
        String text = at == null ? null : sourceText.apply(at.file());
        if (text != null) {
            snippet(text, at, d.isError(), out);
        }
        if (!d.detail().isEmpty()) {
            out.append('\n');
            for (String line : TerminalText.escapeKeepingLines(d.detail()).split("\n", -1)) {
                out.append("  ").append(line).append('\n');
            }
        }
    }

    private void snippet(String text, SourceRange at, boolean error, StringBuilder out) {
        int lineNo = at.start().line();
        int lineStart = Math.min(at.start().offset() - (at.start().column() - 1), text.length());
        if (lineStart < 0) {
            return;
        }
        int lineEnd = text.indexOf('\n', lineStart);
        if (lineEnd < 0) {
            lineEnd = text.length();
        }
        String line = TerminalText.sourceLine(text.substring(lineStart, lineEnd).replace("\r", "").replace('\t', ' '));
        String num = Integer.toString(lineNo);
        String gutter = " ".repeat(num.length());
        out.append('\n');
        out.append("  ").append(num).append(" | ").append(line).append('\n');
        int startCol = at.start().column() - 1;
        int width;
        if (at.end().line() == at.start().line()) {
            width = Math.max(1, at.end().column() - at.start().column());
        } else {
            width = Math.max(1, line.length() - startCol);
        }
        if (startCol > line.length()) {
            startCol = line.length();
        }
        width = Math.min(width, Math.max(1, line.length() - startCol));
        String marker = "^".repeat(width);
        if (color) {
            marker = (error ? BOLD_RED : BOLD_YELLOW) + marker + RESET;
            gutter = DIM + gutter;
        }
        out.append("  ").append(gutter).append(color ? " |" + RESET + " " : " | ")
                .append(" ".repeat(startCol)).append(marker).append('\n');
    }
}
