package dev.pictl.transport.ssh;

import dev.pictl.nodetext.Shell;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the command line sshd hands to the login shell. Every script runs under coreutils {@code timeout} so
 * the time limit holds on the node even when the client is gone (closing an exec channel without a PTY does
 * not stop the remote process; see libraries.md §2.5):
 *
 * <pre>
 * [sudo -n --]                 timeout --kill-after=5s 30s sh -c '&lt;script&gt;'
 * [sudo -k -S -p '' --]        (password on stdin's first line; -k makes sudo always read it)
 * </pre>
 *
 * {@code timeout} puts itself and the script in their own process group and signals the whole group, so
 * background children of the script are stopped too. It exits 124 when TERM did it, 137 when KILL was needed.
 */
final class RemoteScripts {

    static final int EXIT_TIMED_OUT = 124;
    static final int EXIT_KILLED = 137;

    /** How a command becomes root; the prefix goes before {@code timeout} so the limit applies to root's processes. */
    enum SudoPrefix {
        NONE(""),
        PASSWORDLESS("sudo -n -- "),
        PASSWORD_ON_STDIN("sudo -k -S -p '' -- ");

        final String text;

        SudoPrefix(String text) {
            this.text = text;
        }
    }

    private RemoteScripts() {
    }

    static String wrap(String script, Duration limit, Duration killGrace, SudoPrefix sudo) {
        return sudo.text + "timeout --kill-after=" + seconds(killGrace) + " " + seconds(limit) + " sh -c "
                + Shell.quote(script);
    }

    /** {@code 30s}, or {@code 1.5s} for a fraction (coreutils accepts floating durations). */
    static String seconds(Duration d) {
        long ms = Math.max(1, d.toMillis());
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return String.format(Locale.ROOT, "%.3fs", ms / 1000.0);
    }

    /** Whether an exit means the node-side limit stopped the command (and not the command's own 124). */
    static boolean stoppedByLimit(int exitCode, Duration elapsed, Duration limit) {
        return (exitCode == EXIT_TIMED_OUT || exitCode == EXIT_KILLED) && elapsed.compareTo(limit) >= 0;
    }
}
