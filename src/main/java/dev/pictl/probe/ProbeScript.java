package dev.pictl.probe;

import dev.pictl.nodetext.Shell;
import java.util.Objects;

/**
 * The one POSIX {@code sh} script that gathers everything a node's resources need, run as root in a single
 * command round trip: a prelude, the text of each {@link ProbeFragment} of the {@link Probe}, and the end marker.
 * It prints one section per fact, each introduced by a marker line:
 *
 * <pre>
 * &#64;&#64;pictl-probe:model
 * Raspberry Pi 4 Model B Rev 1.4
 * &#64;&#64;pictl-probe:arch
 * aarch64
 * ...
 * &#64;&#64;pictl-probe:end
 * </pre>
 *
 * <p>A marker is always preceded by a newline of its own, so a section's text is exactly what lies between
 * {@code "marker\n"} and {@code "\n@@pictl-probe:next"} (a file without a final newline stays as it is).
 * Every command may fail on its own: its section is then empty (or, for kubectl, carries the exit status and
 * stderr), and the script still exits 0. Some sections appear only when their file exists ({@code k3s-config},
 * {@code cmdline-file}), so an absent file is told apart from an empty one.
 *
 * <p>Secrets: the output (never the script) carries the server's token — the token file's first line, which
 * the parser reduces to its password — and config.yaml, whose {@code token:} k3s reads. Both stay in the
 * observation, whose {@code toString} redacts them; stdout is never logged or quoted in a message.
 *
 * <p>Node-side conventions (docs/simulator.md): every file is {@code "${PICTL_ROOT:-}/path"} ({@code $R}
 * below; unset on a real Pi), tools are called by name, unit names and Kubernetes-side paths stay unprefixed.
 */
public final class ProbeScript {

    /** What starts every marker line. */
    public static final String MARKER = "@@pictl-probe:";

    /** The last section: an output without it was cut short. */
    public static final String END_SECTION = "end";

    // $R, sec() and the file readers, which every fragment's text may use. rd and gr read a text file with the
    // shell's own read (no process per file: the probe budget, docs/benchmarks.md): rd FILE prints it as cat does
    // (NUL bytes dropped), gr FILE PATTERN... prints its lines that match one of the case patterns, as grep does,
    // and fails when none does. A file that cannot be opened fails both (the message goes to stderr).
    static final String PRELUDE = """
            R="${PICTL_ROOT:-}"
            sec() { printf '\\n%s%s\\n' '@@pictl-probe:' "$1"; }
            rd() { _l=; while IFS= read -r _l; do printf '%s\\n' "$_l"; done <"$1" && { [ -z "$_l" ] || printf '%s' "$_l"; }; }
            gr() {
              _f=$1; shift; _l=; _m=1
              while IFS= read -r _l || [ -n "$_l" ]; do
                for _p; do case $_l in $_p) printf '%s\\n' "$_l"; _m=0; break ;; esac; done
              done <"$_f" && return $_m
            }
            """;

    private static final String END = """
            sec end
            exit 0
            """;

    private ProbeScript() {
    }

    /** The script for one node: the prelude, each fragment's text for this node, the end. */
    public static String build(Probe probe, ProbeRequest request) {
        Objects.requireNonNull(request, "request");
        StringBuilder sb = new StringBuilder(PRELUDE);
        for (ProbeFragment<?> f : probe.fragments()) {
            sb.append(f.script(request));
        }
        sb.append(END);
        return sb.toString();
    }
}
