package dev.pictl.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What a command left behind: its exit code and its two output streams, kept apart (no PTY merges them). */
public record ExecResult(int exitCode, String stdout, String stderr) {

    public ExecResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** The last {@code lines} non-blank lines of stderr, joined by newlines (trailing blank lines dropped). */
    public String stderrTail(int lines) {
        return tail(stderr, lines);
    }

    static String tail(String text, int lines) {
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                kept.add(line.stripTrailing());
            }
        }
        int from = Math.max(0, kept.size() - Math.max(0, lines));
        return String.join("\n", kept.subList(from, kept.size()));
    }
}
