package dev.pictl.cli.view;

import dev.pictl.diag.TerminalText;
import dev.pictl.drift.DriftReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The drift report as text short enough for a cron mail: a one-line verdict first (what a mail preview shows),
 * then one section per kind of finding, each resource with its attributes as {@code was -> is}.
 *
 * <pre>
 * pictl drift: seed: DRIFT: 1 resource changed outside pictl, 1 health finding
 *
 * Changed outside pictl since the last apply (state serial 7):
 *   k3s_server.control on pi-server-1
 *       running: true -&gt; false
 *
 * Health:
 *   pi-worker-1: throttled=0x50005: under-voltage now, throttled now, ...
 *
 * Exit 2: drift.
 * </pre>
 */
public final class DriftView {
    private DriftView() {
    }

    public static String render(DriftReport r) {
        return render(r, "");
    }

    /** {@code again}: the options a suggested {@code pictl plan} needs to reach the same nodes (" -c DIR --sim"). */
    public static String render(DriftReport r, String again) {
        StringBuilder out = new StringBuilder();
        out.append("pictl drift: ").append(r.cluster()).append(": ").append(verdict(r)).append('\n');
        if (!r.state().exists()) {
            out.append("\nNo state at ").append(r.state().path()).append(": nothing was applied yet, so nothing can have "
                    + "drifted.\n");
        }
        if (!r.drift().isEmpty()) {
            out.append("\nChanged outside pictl since the last apply (state serial ").append(r.state().serial())
                    .append("):\n");
            for (DriftReport.Drifted d : r.drift()) {
                out.append("  ").append(d.address()).append(on(d.node()));
                out.append(d.gone() ? ": gone\n" : "\n");
                for (DriftReport.AttributeDrift a : d.attributes()) {
                    out.append("      ").append(a.name()).append(": ").append(shown(a.was(), a.sensitive()))
                            .append(" -> ").append(d.gone() ? "(absent)" : shown(a.is(), a.sensitive()))
                            .append('\n');
                }
            }
        }
        if (!r.unreadable().isEmpty()) {
            out.append("\nCould not be read (counted as drift):\n");
            for (DriftReport.Unreadable u : r.unreadable()) {
                out.append("  ").append(u.address()).append(on(u.node())).append(": ").append(TerminalText.escape(u.reason())).append('\n');
            }
        }
        if (!r.unfinished().isEmpty()) {
            out.append("\nUnfinished: the last apply did not finish these (state: in_progress); `pictl apply` "
                    + "completes them:\n");
            for (DriftReport.Unfinished u : r.unfinished()) {
                out.append("  ").append(u.address()).append(on(u.node())).append('\n');
            }
        }
        if (!r.unreachable().isEmpty()) {
            out.append("\nUnreachable (the other nodes were checked):\n");
            for (DriftReport.Unreachable u : r.unreachable()) {
                String reason = u.reason().startsWith(u.node() + ": ") ? u.reason().substring(u.node().length() + 2)
                        : u.reason();
                out.append("  ").append(u.node()).append(u.address() == null ? "" : " (" + u.address() + ")")
                        .append(": ").append(TerminalText.escape(reason)).append('\n');
                if (!u.hint().isEmpty()) {
                    out.append("      ").append(TerminalText.escapeKeepingLines(u.hint()).replace("\n", "\n      ")).append('\n');
                }
                if (!u.notChecked().isEmpty()) {
                    List<String> names = u.notChecked().stream().map(Object::toString).toList();
                    out.append("      not checked: ").append(String.join(", ", names)).append('\n');
                }
            }
        }
        if (!r.health().isEmpty()) {
            out.append("\nHealth").append(r.options().failOnHealth() ? " (counted: --fail-on-health)" : "")
                    .append(":\n");
            // One line per finding, the nodes with the very same finding together (fifty SD-card boots are one line).
            java.util.Map<String, List<String>> byFinding = new java.util.LinkedHashMap<>();
            List<DriftReport.HealthItem> problemsFirst = new ArrayList<>(r.health());
            problemsFirst.sort(java.util.Comparator.comparing(DriftReport.HealthItem::advisory)
                    .thenComparing(h -> !h.error()));
            for (DriftReport.HealthItem h : problemsFirst) {
                byFinding.computeIfAbsent(h.message() + (h.advisory() ? " [advisory]" : h.error() ? " [error]" : ""),
                        k -> new ArrayList<>())
                        .add(h.node());
            }
            byFinding.forEach((message, nodes) -> out.append("  ").append(String.join(", ", nodes)).append(": ")
                    .append(TerminalText.escape(message)).append('\n'));
        }
        if (!r.state().exists() && !r.unapplied().isEmpty()) {
            out.append("\n").append(r.unapplied().size()).append(" resources of the description are not applied yet")
                    .append(r.options().includeUnapplied() ? " (counted: --include-unapplied)" : "")
                    .append(": run pictl plan").append(again).append(" to see them.\n");
        } else if (!r.unapplied().isEmpty()) {
            out.append("\nNot applied yet (description edits; ").append(r.options().includeUnapplied()
                    ? "counted: --include-unapplied" : "not counted without --include-unapplied").append("):\n");
            for (DriftReport.Unapplied u : r.unapplied()) {
                String what = switch (u.action()) {
                    case "create" -> "  + " + u.address() + on(u.node()) + ": not in the state";
                    case "delete" -> "  - " + u.address() + on(u.node()) + ": only in the state";
                    default -> "  ~ " + u.address() + on(u.node())
                            + (u.unfinished() ? ": the last apply did not finish it" : "");
                };
                out.append(what).append('\n');
                for (DriftReport.AttributeDrift a : u.attributes()) {
                    out.append("      ").append(a.name()).append(": ").append(shown(a.was(), a.sensitive()))
                            .append(" -> ").append(shown(a.is(), a.sensitive())).append('\n');
                }
            }
        }
        if (!r.ignored().isEmpty()) {
            out.append("\nIgnored (").append(r.ignored().size()).append("):\n");
            for (DriftReport.Ignored i : r.ignored()) {
                out.append("  ").append(i.what()).append(i.attribute() == null ? "" : " " + i.attribute())
                        .append(" (rule ").append(i.rule()).append(")\n");
            }
        }
        out.append('\n').append(exitLine(r)).append('\n');
        return out.toString();
    }

    /** The first line: clean, or what was found. */
    static String verdict(DriftReport r) {
        List<String> parts = new ArrayList<>();
        count(parts, r.drift().size(), "resource changed outside pictl", "resources changed outside pictl");
        count(parts, r.unreadable().size(), "resource unreadable", "resources unreadable");
        count(parts, r.unfinished().size(), "resource unfinished", "resources unfinished");
        count(parts, r.unreachable().size(), "node unreachable", "nodes unreachable");
        // Advisory findings (SD-card boot, installed memory) are standing facts: in the body, not in the verdict.
        count(parts, (int) r.health().stream().filter(h -> !h.advisory()).count(), "health finding", "health findings");
        count(parts, r.unapplied().size(), "edit not applied yet", "edits not applied yet");
        String head = switch (r.exitCode()) {
            case DriftReport.UNREACHABLE -> "UNREACHABLE: ";
            case DriftReport.DRIFT -> "DRIFT: ";
            default -> "no drift";
        };
        if (r.exitCode() == DriftReport.CLEAN) {
            String nodes = r.nodes().size() + (r.nodes().size() == 1 ? " node" : " nodes");
            return head + (r.state().exists() ? ", " + nodes + " match the state of the last apply (serial "
                    + r.state().serial() + ")" : "") + (parts.isEmpty() ? "" : "; " + String.join(", ", parts));
        }
        return head + String.join(", ", parts);
    }

    private static String exitLine(DriftReport r) {
        return switch (r.exitCode()) {
            case DriftReport.UNREACHABLE -> "Exit 3: " + r.unreachable().size() + " unreachable"
                    + (r.drifted() ? ", and drift on the nodes checked." : "; no drift on the nodes checked.");
            case DriftReport.DRIFT -> "Exit 2: drift.";
            default -> "Exit 0: clean.";
        };
    }

    private static void count(List<String> parts, int n, String one, String many) {
        if (n > 0) {
            parts.add(n + " " + (n == 1 ? one : many));
        }
    }

    private static String on(String node) {
        return node == null ? "" : " on " + node;
    }

    /** A value of a drifted attribute: a report never holds a sensitive one, so it is always "(sensitive value)". */
    private static String shown(Object v, boolean sensitive) {
        return sensitive ? "(sensitive value)" : PlanView.value(v, false);
    }
}
