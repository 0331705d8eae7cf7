package dev.pictl.diag;

import java.util.Objects;

/**
 * A half-open range {@code [start, end)} in one source file. {@code file} is the path as the user gave it
 * (relative paths stay relative) so messages read like the user's own command line.
 */
public record SourceRange(String file, SourcePos start, SourcePos end) implements Comparable<SourceRange> {
    public SourceRange {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.offset() < start.offset()) {
            end = start;
        }
    }

    /** {@code file:line:col} of the start, the form every message leads with. */
    public String location() {
        return file + ":" + start.line() + ":" + start.column();
    }

    /** The smallest range covering both. Both must be in the same file. */
    public SourceRange to(SourceRange other) {
        return new SourceRange(file, start.offset() <= other.start.offset() ? start : other.start,
                end.offset() >= other.end.offset() ? end : other.end);
    }

    @Override
    public int compareTo(SourceRange o) {
        int c = file.compareTo(o.file);
        return c != 0 ? c : start.compareTo(o.start);
    }

    @Override
    public String toString() {
        return location();
    }
}
