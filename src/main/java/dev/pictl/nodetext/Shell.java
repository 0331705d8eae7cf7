package dev.pictl.nodetext;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Words for POSIX {@code sh}. Every value pictl puts on a node's command line goes through {@link #quote}: inside
 * single quotes nothing is special to {@code sh} ({@code $()}, backticks, {@code \}, {@code "}, newlines, {@code *}
 * all stay literal), and a single quote itself is written as {@code '\''} (close, escaped quote, reopen):
 *
 * <pre>
 *   it's          →  'it'\''s'
 *   $(reboot)     →  '$(reboot)'
 *   ""            →  ''
 * </pre>
 *
 * <p>The one byte no quoting can carry is NUL (a command line is a C string, cut at the first NUL); the validator
 * refuses NUL in every value, so one reaching here is a bug, and {@link #quote} throws rather than send a command
 * that means something else than it says.
 */
public final class Shell {
    /** Characters a word shown to a person may hold unquoted (no shell, in any common setting, treats them). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@:+=-]+");

    /** The node-side root: empty on a real Pi, the board's directory in the simulator (docs/simulator.md). */
    public static final String ROOT = "\"${PICTL_ROOT:-}\"";

    private Shell() {
    }

    /** {@code word} as one single-quoted {@code sh} word; throws on NUL (see the class comment). */
    public static String quote(String word) {
        int nul = word.indexOf('\0');
        if (nul >= 0) {
            throw new IllegalArgumentException("a NUL character at index " + nul + " cannot travel in a shell word");
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Words joined by single spaces, quoted as ONE shell word: the node splits it again with {@code set -f} (no
     * globbing) on IFS, so it suits words without whitespace of their own (kernel parameters, names).
     */
    public static String joined(Collection<String> words) {
        return quote(String.join(" ", words));
    }

    /**
     * A node-side path: {@code "${PICTL_ROOT:-}"'/etc/x'}, the file at {@code absolute} on a Pi and under the board's
     * root in the simulator. {@code absolute} must start with {@code /}.
     */
    public static String nodePath(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("a node path must be absolute: " + absolute);
        }
        return ROOT + quote(absolute);
    }

    /**
     * {@code word} as a person would type it in a command shown to copy: as it is when it holds only
     * {@code [A-Za-z0-9_./@:+=-]}, single-quoted otherwise.
     */
    public static String shown(String word) {
        // Never throws: what a person reads is escaped for the terminal later, NUL included.
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
