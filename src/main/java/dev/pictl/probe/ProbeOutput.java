package dev.pictl.probe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of one probe, split at its marker lines: each section's text by id. A section's text is what lies
 * between its marker line and the newline that the script prints before the next marker (a file without a final
 * newline stays as it is). Ids nobody asks for are kept and ignored (a newer script, an older parser); of two equal
 * ids the first wins. Holds the server's token when it was probed: never log it or quote it.
 */
public final class ProbeOutput {
    private static final Pattern MARKER_LINE =
            Pattern.compile("^" + Pattern.quote(ProbeScript.MARKER) + "([a-z0-9-]+)(?:\\r?\\n|$)", Pattern.MULTILINE);

    private final Map<String, String> sections;

    private ProbeOutput(Map<String, String> sections) {
        this.sections = sections;
    }

    /** Splits a probe's stdout. */
    public static ProbeOutput of(String stdout) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = MARKER_LINE.matcher(stdout);
        String current = null;
        int from = 0;
        while (m.find()) {
            if (current != null) {
                out.putIfAbsent(current, dropSeparator(stdout.substring(from, m.start())));
            }
            current = m.group(1);
            from = m.end();
        }
        if (current != null) {
            out.putIfAbsent(current, dropSeparator(stdout.substring(from)));
        }
        return new ProbeOutput(out);
    }

    /** The section's text, or null when the output has no such section. */
    public String get(String id) {
        return sections.get(id);
    }

    /** Whether the output has the section. */
    public boolean has(String id) {
        return sections.containsKey(id);
    }

    /** The first line of the section, stripped; null when absent or blank. */
    public String line(String id) {
        return ProbeParser.line(sections.get(id));
    }

    private static String dropSeparator(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public String toString() {
        return "ProbeOutput" + sections.keySet(); // never the text: it may hold the token
    }
}
