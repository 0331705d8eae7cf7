package dev.pictl.diag;

import java.util.Objects;

/**
 * One problem found in the user's input.
 *
 * @param severity error or warning
 * @param summary  short lower-case phrase without a final period, e.g. {@code unknown attribute "adress" in node "pi-1"}
 * @param detail   full sentences: what is wrong and what to do; may be empty
 * @param subject  the narrowest source range the problem is about; null only for problems with no place
 *                 in a file (a missing config directory, a bad {@code --var})
 */
public record Diagnostic(Severity severity, String summary, String detail, SourceRange subject) {
    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        detail = detail == null ? "" : detail;
    }

    public static Diagnostic error(SourceRange at, String summary, String detail) {
        return new Diagnostic(Severity.ERROR, summary, detail, at);
    }

    public static Diagnostic warning(SourceRange at, String summary, String detail) {
        return new Diagnostic(Severity.WARNING, summary, detail, at);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: summary}, or just the summary when there is no subject. */
    public String oneLine() {
        return subject == null ? summary : subject.location() + ": " + summary;
    }

    @Override
    public String toString() {
        return severity.jsonName() + " " + oneLine();
    }
}
