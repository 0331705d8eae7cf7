package dev.pictl.diag;

/**
 * A position in a source file. {@code line} and {@code column} are 1-based (column counts characters);
 * {@code offset} is the 0-based character offset into the file text.
 */
public record SourcePos(int line, int column, int offset) implements Comparable<SourcePos> {
    public SourcePos {
        if (line < 1 || column < 1 || offset < 0) {
            throw new IllegalArgumentException("bad position " + line + ":" + column + "@" + offset);
        }
    }

    @Override
    public int compareTo(SourcePos o) {
        return Integer.compare(offset, o.offset);
    }
}
