package dev.pictl.types.host;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.transport.ExecResult;
import java.util.List;

/** Shell text and command helpers shared by the host executors. */
final class Sh {
    private Sh() {
    }

    /**
     * Finds cmdline.txt exactly as the probe does ({@code dev.pictl.probe.ProbeScript}): Bookworm's
     * {@code /boot/firmware/cmdline.txt}; else {@code /boot/cmdline.txt} unless it is Bookworm's "has moved to
     * /boot/firmware" stub; else none — never the stub. Sets {@code c} to the path (without the root prefix) or
     * to the empty string; needs {@code R="${PICTL_ROOT:-}"} first.
     */
    static final String DETECT_CMDLINE = """
            if [ -f "$R/boot/firmware/cmdline.txt" ]; then c=/boot/firmware/cmdline.txt
            elif [ -f "$R/boot/cmdline.txt" ] && ! grep -q 'has moved to /boot/firmware' "$R/boot/cmdline.txt"
            then c=/boot/cmdline.txt
            else c=
            fi
            """;

    /**
     * Runs {@code script} as root; unless it exits 0, fails with
     * {@code node: step: command exited N: <stderr tail>} and {@code hint}.
     */
    static ExecResult check(ApplyContext ctx, String node, String step, String script, String hint)
            throws ApplyException {
        ExecResult r = ctx.run(node, step, script, true);
        if (r.exitCode() != 0) {
            throw failed(node, step, r, hint);
        }
        return r;
    }

    static ApplyException failed(String node, String step, ExecResult r, String hint) {
        String tail = r.outputTail(5);
        return new ApplyException(node, step, "command exited " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail),
                hint);
    }

    /** Whitespace-separated tokens of {@code text}. */
    static List<String> tokens(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
