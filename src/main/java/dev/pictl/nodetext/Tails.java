package dev.pictl.nodetext;

import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a command's output, for the {@code command exited N: <tail>} of an error message. Blank lines
 * are dropped and each kept line loses its trailing whitespace, so a tail of 5 shows 5 lines that say something.
 */
public final class Tails {
    private Tails() {
    }

    /** The last {@code n} non-blank lines of {@code text}, joined by {@code \n}; empty when there are none. */
    public static String last(String text, int n) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                kept.add(line.stripTrailing());
            }
        }
        int from = Math.max(0, kept.size() - Math.max(0, n));
        return String.join("\n", kept.subList(from, kept.size()));
    }

    /**
     * What a failed command said: the last {@code n} lines of its stderr, or of its stdout when stderr has none
     * (a script that reports on stdout), stripped. Empty when both are.
     */
    public static String of(String stderr, String stdout, int n) {
        String t = last(stderr, n).strip();
        return t.isEmpty() ? last(stdout, n).strip() : t;
    }
}
