package dev.pictl.state;

import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Severity;

/**
 * A state file that cannot be read, written or locked: corrupt, written by a newer pictl, of a foreign
 * lineage, changed since it was read, locked by another run, or an I/O failure. The message is for the user
 * (see {@link #diagnostic()}); no stack trace is meant to reach them.
 */
public class StateException extends Exception {
    private final String summary;
    private final String detail;

    /**
     * @param summary one line naming the file and what is wrong, no final period
     * @param detail  full sentences: why it matters and what to do; may be empty
     */
    public StateException(String summary, String detail) {
        this(summary, detail, null);
    }

    public StateException(String summary, String detail, Throwable cause) {
        super(detail == null || detail.isEmpty() ? summary : summary + ". " + detail, cause);
        this.summary = summary;
        this.detail = detail == null ? "" : detail;
    }

    public String summary() {
        return summary;
    }

    public String detail() {
        return detail;
    }

    /** The problem as an error diagnostic with no source range, for the CLI's renderer. */
    public Diagnostic diagnostic() {
        return new Diagnostic(Severity.ERROR, summary, detail, null);
    }
}
