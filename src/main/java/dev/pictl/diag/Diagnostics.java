package dev.pictl.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A collector of diagnostics. Phases add to it instead of throwing so that one run reports every problem.
 * Not thread-safe; each phase owns its collector and merges with {@link #addAll}.
 *
 * <p>A result record holds a {@link #snapshot}: unmodifiable, so that what a caller reads never changes after the
 * result was made (adding to it, or redacting it, throws).
 */
public final class Diagnostics {
    /** Order in which diagnostics are shown: by file and position, errors before warnings at the same spot. */
    public static final Comparator<Diagnostic> ORDER = Comparator
            .comparing((Diagnostic d) -> d.subject() == null ? "" : d.subject().file())
            .thenComparingInt(d -> d.subject() == null ? -1 : d.subject().start().offset())
            .thenComparing(Diagnostic::severity)
            .thenComparing(Diagnostic::summary);

    private final LinkedHashSet<Diagnostic> items = new LinkedHashSet<>();
    private final boolean frozen;

    /** An empty collector. */
    public Diagnostics() {
        this.frozen = false;
    }

    private Diagnostics(LinkedHashSet<Diagnostic> items) {
        this.items.addAll(items);
        this.frozen = true;
    }

    /**
     * What was collected so far, unmodifiable (itself when it is a snapshot already): what a result record holds.
     * Later additions to this collector do not show in it.
     */
    public Diagnostics snapshot() {
        return frozen ? this : new Diagnostics(items);
    }

    private void requireModifiable() {
        if (frozen) {
            throw new UnsupportedOperationException("a snapshot of diagnostics cannot change; collect into a new "
                    + "Diagnostics and add this one to it");
        }
    }

    public void add(Diagnostic d) {
        requireModifiable();
        items.add(d);
    }

    public void error(SourceRange at, String summary, String detail) {
        add(Diagnostic.error(at, summary, detail));
    }

    public void warning(SourceRange at, String summary, String detail) {
        add(Diagnostic.warning(at, summary, detail));
    }

    public void addAll(Diagnostics other) {
        requireModifiable();
        items.addAll(other.items);
    }

    public void addAll(List<Diagnostic> other) {
        requireModifiable();
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
        requireModifiable();
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
