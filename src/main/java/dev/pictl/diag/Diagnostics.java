package dev.pictl.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A collector of diagnostics. Phases add to it instead of throwing so that one run reports every problem.
 * Not thread-safe; each phase owns its collector and merges with {@link #addAll}.
 */
public final class Diagnostics {
    /** Order in which diagnostics are shown: by file and position, errors before warnings at the same spot. */
    public static final Comparator<Diagnostic> ORDER = Comparator
            .comparing((Diagnostic d) -> d.subject() == null ? "" : d.subject().file())
            .thenComparingInt(d -> d.subject() == null ? -1 : d.subject().start().offset())
            .thenComparing(Diagnostic::severity)
            .thenComparing(Diagnostic::summary);

    private final LinkedHashSet<Diagnostic> items = new LinkedHashSet<>();

    public void add(Diagnostic d) {
        items.add(d);
    }

    public void error(SourceRange at, String summary, String detail) {
        add(Diagnostic.error(at, summary, detail));
    }

    public void warning(SourceRange at, String summary, String detail) {
        add(Diagnostic.warning(at, summary, detail));
    }

    public void addAll(Diagnostics other) {
        items.addAll(other.items);
    }

    public void addAll(List<Diagnostic> other) {
        items.addAll(other);
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    public long errorCount() {
        return items.stream().filter(Diagnostic::isError).count();
    }

    public long warningCount() {
        return items.size() - errorCount();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Replaces every diagnostic with its redacted form (see {@link Redactor}). */
    public void redact(Redactor redactor) {
        if (redactor.isEmpty()) {
            return;
        }
        List<Diagnostic> all = new ArrayList<>(items);
        items.clear();
        all.forEach(d -> items.add(redactor.redact(d)));
    }

    /** All diagnostics in display order. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> list = new ArrayList<>(items);
        list.sort(ORDER);
        return List.copyOf(list);
    }
}
