package dev.pictl.cli.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.DiagnosticRenderer;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourcePos;
import dev.pictl.diag.SourceRange;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Diagnostics for people (source snippet, marker, what to do) and for machines ({@code --json}, shape in
 * {@code schema/diagnostics.schema.json}, format version {@value #FORMAT_VERSION}).
 */
public final class DiagnosticsView {
    public static final String FORMAT_VERSION = "1.0";

    private DiagnosticsView() {
    }

    public static void text(Diagnostics diags, Map<String, String> sources, boolean color, PrintWriter err) {
        List<Diagnostic> list = diags.sorted();
        if (list.isEmpty()) {
            return;
        }
        // A variable-values file is never quoted: its lines may hold secrets (a syntax error in one is shown by its
        // position and message only).
        err.print(new DiagnosticRenderer(f -> isVariableValues(f) ? null : sources.get(f), color).render(list));
        err.flush();
    }

    static boolean isVariableValues(String file) {
        return file != null && (file.equals(".pivars") || file.endsWith("/.pivars") || file.endsWith("\\.pivars"));
    }

    /** One-line count: "2 errors, 1 warning." */
    public static String summary(Diagnostics diags) {
        long e = diags.errorCount();
        long w = diags.warningCount();
        return e + (e == 1 ? " error, " : " errors, ") + w + (w == 1 ? " warning." : " warnings.");
    }

    public static String json(Diagnostics diags) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("valid", !diags.hasErrors());
        root.put("error_count", diags.errorCount());
        root.put("warning_count", diags.warningCount());
        ArrayNode arr = root.putArray("diagnostics");
        for (Diagnostic d : diags.sorted()) {
            ObjectNode o = arr.addObject();
            o.put("severity", d.severity().jsonName());
            o.put("summary", d.summary());
            o.put("detail", d.detail());
            if (d.subject() != null) {
                SourceRange r = d.subject();
                ObjectNode range = o.putObject("range");
                range.put("filename", r.file());
                pos(range.putObject("start"), r.start());
                pos(range.putObject("end"), r.end());
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pos(ObjectNode o, SourcePos p) {
        o.put("line", p.line());
        o.put("column", p.column());
        o.put("offset", p.offset());
    }
}
