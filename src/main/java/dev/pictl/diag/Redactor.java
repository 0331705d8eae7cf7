package dev.pictl.diag;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety net under sensitivity marks: replaces every occurrence of a known secret's text in free text (a
 * diagnostic, a step name, a remote command's error output, a note) with {@code (sensitive value)}.
 *
 * <p>Structured values are masked by their marks (a sensitive attribute is never printed); this catches what
 * reaches text by other ways: an error message from a node that echoes a path, a probe failure that names an
 * address. Texts shorter than {@value #MIN_LENGTH} characters are not scrubbed from free text (removing every
 * {@code "on"} from a message would garble it); a sensitive attribute holding one is still masked by its mark.
 * Immutable and thread-safe.
 */
public final class Redactor {
    /** Shown instead of a secret. */
    public static final String SHOWN = "(sensitive value)";
    /** The shortest text scrubbed from free text. */
    public static final int MIN_LENGTH = 4;

    public static final Redactor NONE = new Redactor(Set.of());

    /** Longest first, so that a secret containing another is replaced whole. */
    private final List<String> secrets;

    public Redactor(Set<String> secrets) {
        TreeSet<String> s = new TreeSet<>(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (String x : secrets) {
            if (x != null && x.strip().length() >= MIN_LENGTH) {
                s.add(x);
            }
        }
        this.secrets = List.copyOf(s);
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** The text with every secret replaced by {@link #SHOWN}; null stays null. */
    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, SHOWN);
            }
        }
        return out;
    }

    /** The diagnostic with its summary and detail redacted (itself when nothing changes). */
    public Diagnostic redact(Diagnostic d) {
        String summary = redact(d.summary());
        String detail = redact(d.detail());
        return summary.equals(d.summary()) && detail.equals(d.detail()) ? d
                : new Diagnostic(d.severity(), summary, detail, d.subject());
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secrets hidden]";
    }
}
