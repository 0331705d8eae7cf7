package dev.pictl.cli.view;

import dev.pictl.diag.TerminalText;
import dev.pictl.diagnose.DiagnoseReport;
import dev.pictl.diagnose.DiagnoseReport.Finding;
import dev.pictl.diagnose.DiagnoseReport.NodeVerdict;
import dev.pictl.diagnose.Diagnoser;

/**
 * {@code pictl diagnose} as text: one verdict line per node (what is wrong, in its first words), then each node's
 * findings, the root cause first, with its chain, the evidence lines and what to do.
 *
 * <pre>
 * pictl diagnose: seed: 1 of 4 nodes with findings
 *
 *   pi-server-1  Ready     healthy
 *   pi-worker-1  NotReady  memory_cgroup_missing: k3s-agent cannot start: the memory cgroup is missing (...)
 *
 * pi-worker-1
 *   1. memory_cgroup_missing (root cause)
 *      NotReady ← k3s-agent crash-looping (...) ← memory cgroup missing ← cmdline.txt lost its cgroup_enable=memory flag
 *      evidence: Dec 07 18:40:01 pi-worker-1 k3s[2345]: time="..." level=fatal msg="Error: failed to find memory cgroup (v2)"
 *      fix: put cgroup_enable=memory back on the one line of /boot/firmware/cmdline.txt and reboot ...
 *   advisory: eeprom_update_available
 *      the bootloader EEPROM has an update available (current ..., latest ...)
 *      ...
 *
 * Exit 2: found something.
 * </pre>
 *
 * Advisory findings come after the others, unnumbered, each headed {@code advisory: CODE}; a node that has only
 * advisories is {@code healthy (N advisory)} on its verdict line.
 */
public final class DiagnoseView {
    private DiagnoseView() {
    }

    public static String render(DiagnoseReport r) {
        StringBuilder out = new StringBuilder();
        int total = r.nodes().size();
        long bad = r.withFindings();
        long advisories = r.advisories();
        out.append("pictl diagnose: ").append(r.cluster()).append(": ")
                .append(bad == 0 ? "healthy, " + total + " node" + (total == 1 ? "" : "s") + " checked"
                        : bad + " of " + total + " node" + (total == 1 ? "" : "s") + " with findings")
                .append(advisories == 0 ? "" : " (" + advisories + " advisory)").append('\n');
        if (r.apiError() != null) {
            out.append("(the API server could not be read: ").append(TerminalText.escape(r.apiError()))
                    .append("; Node conditions are unknown)\n");
        }
        out.append('\n');
        int w = 4;
        int ws = 6;
        for (NodeVerdict v : r.nodes()) {
            w = Math.max(w, v.node().length());
            ws = Math.max(ws, v.status().length());
        }
        for (NodeVerdict v : r.nodes()) {
            out.append("  ").append(pad(v.node(), w)).append("  ").append(pad(v.status(), ws)).append("  ");
            int advised = v.advisories().size();
            if (v.healthy()) {
                out.append("healthy").append(advised == 0 ? "" : " (" + advised + " advisory)");
            } else {
                Finding f = v.findings().get(0);
                out.append(f.code()).append(": ").append(TerminalText.escape(f.summary()));
                int more = v.trouble().size() - 1;
                if (more > 0 || advised > 0) {
                    out.append(" (").append(more > 0 ? "+" + more + " more" : "").append(more > 0 && advised > 0 ? ", " : "")
                            .append(advised > 0 ? advised + " advisory" : "").append(')');
                }
            }
            out.append('\n');
        }
        for (NodeVerdict v : r.nodes()) {
            if (v.findings().isEmpty()) {
                continue;
            }
            out.append('\n').append(v.node()).append('\n');
            int i = 1;
            for (Finding f : v.findings()) {
                if (f.advisory()) {
                    out.append("  advisory: ").append(f.code()).append('\n');
                } else {
                    out.append("  ").append(i).append(". ").append(f.code());
                    if (i == 1) {
                        out.append(f.causedBy() != null ? " (caused on " + f.causedBy() + ")" : " (root cause)");
                    }
                    out.append('\n');
                    i++;
                }
                if (f.chain().size() > 1) {
                    out.append("     ").append(TerminalText.escape(Diagnoser.chainText(f.chain()))).append('\n');
                } else {
                    out.append("     ").append(TerminalText.escape(f.summary())).append('\n');
                }
                for (String e : f.evidence()) {
                    out.append("     evidence: ").append(TerminalText.escape(e)).append('\n');
                }
                out.append("     fix: ").append(TerminalText.escape(f.remedy())).append('\n');
            }
        }
        out.append('\n').append(r.exitCode() == DiagnoseReport.HEALTHY ? "Exit 0: healthy." : "Exit 2: found something.")
                .append('\n');
        return out.toString();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
