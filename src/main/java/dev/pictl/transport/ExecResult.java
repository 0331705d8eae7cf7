package dev.pictl.transport;

import dev.pictl.nodetext.Tails;
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
        return Tails.last(stderr, lines);
    }

    /** What a failed command said: stderr's last lines, or stdout's when stderr has none ({@link Tails#of}). */
    public String outputTail(int lines) {
        return Tails.of(stderr, stdout, lines);
    }
}
