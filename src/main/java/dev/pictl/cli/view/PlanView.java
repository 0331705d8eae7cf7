package dev.pictl.cli.view;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.TerminalText;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.ResourceChange;
import dev.pictl.types.ResourceTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The human plan, in Terraform's vocabulary, grouped by node:
 *
 * <pre>
 * pi-worker-1 (192.168.1.11): Raspberry Pi 4 Model B Rev 1.4, 3.7 GB, bookworm, aarch64
 *
 *   # kernel_params.cgroups["pi-worker-1"] will be updated in-place
 *   # !! REBOOT: pi-worker-1 is drained and restarted
 *   ~ kernel_params "cgroups" {
 *       ~ add = [
 *             "cgroup_enable=cpuset",
 *           + "cgroup_enable=memory",
 *         ]
 *         # (2 unchanged attributes hidden)
 *     }
 *
 * Plan: 0 to add, 1 to change, 0 to destroy.
 * </pre>
 */
public final class PlanView {
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final boolean color;
    private final String again;
    private final Predicate<String> clusterWide;

    public PlanView(boolean color) {
        this(color, "");
    }

    /**
     * {@code again}: the options a suggested {@code pictl apply} needs to reach the same nodes (" -c DIR --sim"), so
     * that a suggestion never leaves a simulator for the description's real addresses.
     */
    public PlanView(boolean color, String again) {
        this(color, again, ResourceTypes.standard()::clusterWide);
    }

    /**
     * @param clusterWide whether a resource type's objects belong to the cluster as a whole (the registry's
     *                    {@code clusterWide}): their changes are listed under "cluster", not under a node
     */
    public PlanView(boolean color, String again, Predicate<String> clusterWide) {
        this.color = color;
        this.again = again;
        this.clusterWide = clusterWide;
    }

    public String render(Plan plan) {
        StringBuilder out = new StringBuilder();
        if (!plan.drift().isEmpty() && (plan.mode() == PlanMode.REFRESH_ONLY || plan.hasChanges())) {
            drift(plan, out);
        }
        if (plan.mode() == PlanMode.REFRESH_ONLY) {
            if (plan.drift().isEmpty()) {
                out.append(bold("No changes.")).append(" Your cluster still matches the configuration.\n");
            } else {
                out.append("This is a refresh-only plan: run `pictl apply" + again + " --refresh-only` to record these "
                        + "changes in the state. No node is changed.\n");
            }
            unknown(plan, out);
            return out.toString();
        }
        List<ResourceChange> changes = plan.changes().stream().filter(ResourceChange::isChange).toList();
        if (changes.isEmpty()) {
            unknown(plan, out);
            if (plan.unknown().isEmpty() && !plan.unfinished().isEmpty()) {
                unfinished(plan, out);
                out.append('\n').append(bold(summary(plan))).append('\n');
            } else if (plan.unknown().isEmpty()) {
                out.append(bold("No changes.")).append(plan.unmanaged().isEmpty()
                        ? " Your cluster matches the configuration.\n\n"
                        : " What pictl manages matches the configuration.\n\n");
                out.append("pictl found nothing to change on ").append(plan.nodes().size())
                        .append(plan.nodes().size() == 1 ? " node.\n" : " nodes.\n");
            }
            unmanaged(plan, out);
            updates(plan, out);
            return out.toString();
        }
        legend(changes, out);
        out.append("pictl will perform the following actions:\n");
        Map<String, List<ResourceChange>> byNode = new LinkedHashMap<>();
        for (String node : plan.nodes().keySet()) {
            byNode.put(node, new ArrayList<>());
        }
        List<ResourceChange> cluster = new ArrayList<>();
        for (ResourceChange c : changes) {
            if (c.node() == null || clusterWide.test(c.address().type())) {
                cluster.add(c);
            } else {
                byNode.computeIfAbsent(c.node(), k -> new ArrayList<>()).add(c);
            }
        }
        for (Map.Entry<String, List<ResourceChange>> e : byNode.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Plan.NodeInfo info = plan.nodes().get(e.getKey());
            out.append('\n').append(bold(e.getKey()));
            if (info != null) {
                out.append(" (").append(info.address()).append("): ").append(TerminalText.escape(info.description()));
            } else {
                out.append(" (no longer in the configuration)");
            }
            out.append('\n');
            for (ResourceChange c : e.getValue()) {
                resource(c, out);
            }
        }
        if (!cluster.isEmpty()) {
            out.append('\n').append(bold("cluster")).append(" (through the k3s server)\n");
            for (ResourceChange c : cluster) {
                resource(c, out);
            }
        }
        unfinished(plan, out);
        unknown(plan, out);
        out.append('\n').append(bold(summary(plan))).append('\n');
        reboots(changes, out);
        unmanaged(plan, out);
        updates(plan, out);
        return out.toString();
    }

    /**
     * OS updates pending on the nodes (issue 15): listed, never counted as changes; {@code --upgrade-os} plans them.
     * <pre>
     * Updates available (not changes; pictl apply --upgrade-os installs them):
     *   pi-worker-2: 14 (3 security), kernel → reboot
     * </pre>
     */
    private void updates(Plan plan, StringBuilder out) {
        if (plan.upgradeOs() || plan.updates().isEmpty()) {
            return;
        }
        out.append('\n').append(bold("Updates available")).append(" (not changes; pictl apply").append(again)
                .append(" --upgrade-os installs them):\n");
        for (Plan.UpdatesAvailable u : plan.updates()) {
            out.append("  ").append(TerminalText.escape(updatesLine(u))).append('\n');
        }
    }

    /** One node's line: {@code pi-worker-2: 14 (3 security), kernel → reboot}. */
    public static String updatesLine(Plan.UpdatesAvailable u) {
        StringBuilder b = new StringBuilder(u.node()).append(": ").append(u.total()).append(" (").append(u.security())
                .append(" security)");
        if (u.installs() != u.total()) {
            b.append(", ").append(u.installs()).append(" by its policy");
        }
        if (!u.rebootPackages().isEmpty()) {
            boolean kernel = u.rebootPackages().stream().anyMatch(p -> p.startsWith("linux-image") || p.contains("kernel"));
            b.append(kernel ? ", kernel" : ", firmware");
        }
        if (u.rebootRequired()) {
            b.append(", reboot required");
        }
        if (u.needsReboot()) {
            b.append(u.reboots() ? " \u2192 reboot" : " \u2192 reboot needed (reboot = \"never\")");
        }
        return b.toString();
    }

    /**
     * Resources {@code pictl state rm} took out of management that their nodes still have: said plainly, with the way
     * to manage them again, instead of being adopted silently.
     */
    private void unmanaged(Plan plan, StringBuilder out) {
        if (plan.unmanaged().isEmpty()) {
            return;
        }
        out.append('\n').append(bold("Not managed")).append(": these exist but are not in the state (pictl state rm "
                + "took them out); apply neither changes nor records them:\n");
        for (ResourceChange c : plan.unmanaged()) {
            out.append("  # ").append(c.address()).append(c.node() == null ? "" : " (on " + c.node() + ")")
                    .append('\n');
        }
        out.append("To manage one again: pictl import").append(again).append(" ADDR. To stop describing it: remove its "
                + "block from the configuration.\n");
    }

    /** Terraform's closing line, and the entries apply only records when there are any. */
    private static String summary(Plan plan) {
        int record = plan.unfinished().size();
        return "Plan: " + plan.toAdd() + " to add, " + plan.toChange() + " to change, " + plan.toDestroy() + " to destroy"
                + (record == 0 ? "." : ", " + record + " to record.");
    }

    /** Entries the last apply left in_progress whose nodes already match: apply records them and runs nothing. */
    private void unfinished(Plan plan, StringBuilder out) {
        if (plan.unfinished().isEmpty()) {
            return;
        }
        out.append('\n').append(bold("Unfinished")).append(": the last apply did not finish these (state: in_progress); "
                + "their nodes already match, so apply only records them:\n");
        for (ResourceChange c : plan.unfinished()) {
            out.append("  # ").append(c.address()).append('\n');
        }
    }

    private void legend(List<ResourceChange> changes, StringBuilder out) {
        Set<Action> used = new TreeSet<>();
        changes.forEach(c -> used.add(c.action()));
        out.append("Resource actions are indicated with the following symbols:\n");
        for (Action a : used) {
            String text = switch (a) {
                case CREATE -> "create";
                case UPDATE -> "update in-place";
                case REPLACE -> "destroy and then create replacement";
                case DELETE -> "destroy";
                case NO_OP -> "";
            };
            if (!text.isEmpty()) {
                out.append(colored(a, pad(a.symbol(), 3))).append(' ').append(text).append('\n');
            }
        }
        out.append('\n');
    }

    private void resource(ResourceChange c, StringBuilder out) {
        ResourceAddress a = c.address();
        out.append('\n').append("  # ").append(a).append(' ').append(headline(c)).append('\n');
        // A delete's headline already says why ("# (because ... is not in the configuration)").
        if (c.action() != Action.DELETE && c.reason() != ActionReason.NONE && c.reason() != ActionReason.NOT_PRESENT
                && c.reason() != ActionReason.ATTRIBUTE_CHANGED && c.reason() != ActionReason.CANNOT_UPDATE_IN_PLACE) {
            out.append("  # (").append(c.reason().text()).append(")\n");
        }
        if (c.reboot()) {
            out.append("  ").append(warn("# !! REBOOT: " + c.node() + (c.drain() ? " is drained, restarted and uncordoned"
                    : " restarts"))).append('\n');
        } else if (c.drain()) {
            out.append("  # ").append(c.node()).append(" is drained first\n");
        }
        if (c.dataLoss() != null) {
            out.append("  ").append(warn("# !! DATA: " + c.dataLoss() + " (apply needs --allow-data-loss)"))
                    .append('\n');
        }
        String label = a.type() + " \"" + a.name() + "\"";
        out.append(colored(c.action(), pad(c.action().symbol(), 3))).append(' ').append(label).append(" {\n");
        switch (c.action()) {
            case CREATE -> c.after().forEach((k, v) -> attr("+", k, null, v, c.sensitive().contains(k), false, width(c.after()), out));
            case DELETE -> c.before().forEach((k, v) -> attr("-", k, v, null, c.sensitive().contains(k), false, width(c.before()), out));
            case UPDATE, REPLACE -> {
                int w = c.changes().stream().mapToInt(x -> x.name().length()).max().orElse(0);
                for (AttributeChange ch : c.changes()) {
                    attr("~", ch.name(), ch.before(), ch.after(), ch.sensitive(), ch.forcesReplacement(), w, out);
                }
                int hidden = c.after().size() - c.changes().size();
                if (hidden > 0) {
                    out.append("        # (").append(hidden).append(hidden == 1 ? " unchanged attribute hidden)\n"
                            : " unchanged attributes hidden)\n");
                }
            }
            case NO_OP -> {
            }
        }
        out.append("    }\n");
    }

    private static String headline(ResourceChange c) {
        return switch (c.action()) {
            case CREATE -> "will be created";
            case UPDATE -> "will be updated in-place";
            case REPLACE -> c.reason() == ActionReason.REPLACE_REQUESTED ? "will be replaced, as requested"
                    : "must be replaced";
            case DELETE -> "will be destroyed\n  # (because " + (c.reason() == ActionReason.DESTROY_REQUESTED
                    ? "of --destroy" : c.address() + " is not in the configuration") + ")";
            case NO_OP -> "is up to date";
        };
    }

    private void attr(String sym, String name, Object before, Object after, boolean sensitive, boolean forces,
                      int width, StringBuilder out) {
        String s = switch (sym) {
            case "+" -> color ? GREEN + "+" + RESET : "+";
            case "-" -> color ? RED + "-" + RESET : "-";
            default -> color ? YELLOW + "~" + RESET : "~";
        };
        out.append("      ").append(s).append(' ').append(name).append(" ".repeat(Math.max(0, width - name.length())))
                .append(" = ");
        if (!sensitive && listed(before, after)) {
            list(sym, before, after, forces, out);
            return;
        }
        if (!sensitive && mapped(before, after)) {
            map(sym, before, after, forces, out);
            return;
        }
        if (sym.equals("+")) {
            out.append(value(after, sensitive));
        } else if (sym.equals("-")) {
            out.append(value(before, sensitive)).append(" -> null");
        } else {
            out.append(value(before, sensitive)).append(" -> ").append(value(after, sensitive));
        }
        if (forces) {
            out.append(color ? " " + RED + "# forces replacement" + RESET : " # forces replacement");
        }
        out.append('\n');
    }

    /** Whether a change is shown as a list, one element per line: a list on either side, not both empty. */
    private static boolean listed(Object before, Object after) {
        boolean lists = (before == null || before instanceof List<?>) && (after == null || after instanceof List<?>)
                && (before != null || after != null);
        return lists && !(isEmpty(before) && isEmpty(after));
    }

    private static boolean isEmpty(Object v) {
        return v == null || v instanceof List<?> l && l.isEmpty();
    }

    /**
     * A list change as Terraform shows it, one element per line: {@code +} for an element added, {@code -} for one
     * removed, none for one kept (elements are compared as values; the after-list's order, then what was removed).
     */
    private void list(String sym, Object before, Object after, boolean forces, StringBuilder out) {
        List<?> was = before instanceof List<?> l ? l : List.of();
        List<?> is = after instanceof List<?> l ? l : List.of();
        out.append('[');
        if (forces) {
            out.append(color ? " " + RED + "# forces replacement" + RESET : " # forces replacement");
        }
        out.append('\n');
        for (Object x : is) {
            element(sym.equals("+") || !was.contains(x) ? "+" : " ", x, out);
        }
        for (Object x : was) {
            if (!is.contains(x)) {
                element("-", x, out);
            }
        }
        out.append("        ]");
        if (sym.equals("-")) {
            out.append(" -> null");
        }
        out.append('\n');
    }

    /** Whether a change is shown as a map, one entry per line: a map on either side, not both empty. */
    private static boolean mapped(Object before, Object after) {
        boolean maps = (before == null || before instanceof Map<?, ?>) && (after == null || after instanceof Map<?, ?>)
                && (before != null || after != null);
        return maps && !((before == null || ((Map<?, ?>) before).isEmpty()) && (after == null || ((Map<?, ?>) after).isEmpty()));
    }

    /**
     * A map change as Terraform shows it, one entry per line: {@code +} added, {@code -} removed, {@code ~} changed
     * ({@code old -> new}); in an update, the entries that stay the same are counted, not shown.
     */
    private void map(String sym, Object before, Object after, boolean forces, StringBuilder out) {
        Map<?, ?> was = before instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> is = after instanceof Map<?, ?> m ? m : Map.of();
        out.append('{');
        if (forces) {
            out.append(color ? " " + RED + "# forces replacement" + RESET : " # forces replacement");
        }
        out.append('\n');
        // Keys padded to one width, as Terraform aligns the = of a map's entries.
        int width = 0;
        for (Object k : is.keySet()) {
            width = Math.max(width, TerminalText.quote(String.valueOf(k)).length());
        }
        for (Object k : was.keySet()) {
            width = Math.max(width, TerminalText.quote(String.valueOf(k)).length());
        }
        int same = 0;
        for (Map.Entry<?, ?> e : is.entrySet()) {
            String key = padRight(TerminalText.quote(String.valueOf(e.getKey())), width);
            if (sym.equals("+") || !was.containsKey(e.getKey())) {
                element("+", key + " = " + value(e.getValue(), false), out, true);
            } else if (!java.util.Objects.equals(was.get(e.getKey()), e.getValue())) {
                element("~", key + " = " + value(was.get(e.getKey()), false) + " -> " + value(e.getValue(), false),
                        out, true);
            } else {
                same++;
            }
        }
        for (Map.Entry<?, ?> e : was.entrySet()) {
            if (!is.containsKey(e.getKey())) {
                element("-", padRight(TerminalText.quote(String.valueOf(e.getKey())), width) + " = " + value(e.getValue(), false)
                        + (sym.equals("-") ? "" : " -> null"), out, true);
            }
        }
        if (same > 0) {
            out.append("            # (").append(same).append(same == 1 ? " unchanged element hidden)\n"
                    : " unchanged elements hidden)\n");
        }
        out.append("        }");
        if (sym.equals("-")) {
            out.append(" -> null");
        }
        out.append('\n');
    }

    private void element(String mark, Object value, StringBuilder out) {
        element(mark, value(value, false), out, false);
    }

    private void element(String mark, String text, StringBuilder out, boolean entry) {
        String m = switch (mark) {
            case "+" -> color ? GREEN + "+" + RESET : "+";
            case "-" -> color ? RED + "-" + RESET : "-";
            case "~" -> color ? YELLOW + "~" + RESET : "~";
            default -> " ";
        };
        out.append("          ").append(m).append(' ').append(text).append(entry ? "\n" : ",\n");
    }

    /** A value as HCL-ish text; secrets never. */
    public static String value(Object v, boolean sensitive) {
        if (sensitive && v != null) {
            return "(sensitive value)";
        }
        if (v == null) {
            return "null";
        } else if (v instanceof String s) {
            return TerminalText.quote(s);
        } else if (v instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(x -> items.add(value(x, false)));
            return "[" + String.join(", ", items) + "]";
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            List<String> items = new ArrayList<>();
            m.forEach((k, x) -> items.add(TerminalText.quote(String.valueOf(k)) + " = " + value(x, false)));
            return "{ " + String.join(", ", items) + " }";
        }
        return String.valueOf(v);
    }

    private void drift(Plan plan, StringBuilder out) {
        out.append(bold("Note: Objects have changed outside of pictl")).append("\n\n");
        out.append("pictl detected the following changes made outside of pictl since the last \"pictl apply\":\n");
        for (ResourceChange d : plan.drift()) {
            out.append('\n').append("  # ").append(d.address());
            if (d.action() == Action.DELETE) {
                out.append(" has been deleted\n");
                continue;
            }
            out.append(" has changed\n");
            int w = d.changes().stream().mapToInt(x -> x.name().length()).max().orElse(0);
            for (AttributeChange ch : d.changes()) {
                attr("~", ch.name(), ch.before(), ch.after(), ch.sensitive(), false, w, out);
            }
        }
        out.append('\n');
        if (plan.mode() != PlanMode.REFRESH_ONLY) {
            out.append("Unless you have made equivalent changes to your configuration, the following plan may include "
                    + "actions to undo or respond to these changes.\n\n");
        }
        out.append("─".repeat(77)).append("\n\n");
    }

    private void unknown(Plan plan, StringBuilder out) {
        if (plan.unknown().isEmpty()) {
            return;
        }
        out.append('\n').append(bold("Not checked")).append(" (their state could not be read, so the plan cannot cover them):\n");
        for (Plan.Unknown u : plan.unknown()) {
            out.append("  ? ").append(u.address()).append(": ").append(TerminalText.escape(u.reason())).append('\n');
        }
    }

    private void reboots(List<ResourceChange> changes, StringBuilder out) {
        Set<String> reboot = new TreeSet<>();
        Set<String> drained = new TreeSet<>();
        changes.stream().filter(ResourceChange::reboot).forEach(c -> {
            reboot.add(c.node());
            if (c.drain()) {
                drained.add(c.node());
            }
        });
        if (!reboot.isEmpty()) {
            out.append(warn("Reboots: " + String.join(", ", reboot)
                    + (drained.isEmpty() ? "" : " (drained first: " + String.join(", ", drained) + ")"))).append('\n');
        }
        // The resources whose data the plan would lose (a volume's directory, a namespace's objects), by address.
        List<String> atRisk = changes.stream().filter(c -> c.dataLoss() != null).map(c -> c.address().toString())
                .toList();
        if (!atRisk.isEmpty()) {
            out.append(warn("Data at risk: " + String.join(", ", atRisk)
                    + "; apply refuses without --allow-data-loss")).append('\n');
        }
    }

    private static int width(Map<String, Object> m) {
        return m.keySet().stream().mapToInt(String::length).max().orElse(0);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    /** {@code s} padded on the right to {@code w} columns. */
    private static String padRight(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private String colored(Action a, String text) {
        if (!color) {
            return text;
        }
        String c = switch (a) {
            case CREATE -> GREEN;
            case UPDATE -> YELLOW;
            case REPLACE, DELETE -> RED;
            case NO_OP -> "";
        };
        return c + text + RESET;
    }

    private String bold(String s) {
        return color ? BOLD + s + RESET : s;
    }

    private String warn(String s) {
        return color ? BOLD + YELLOW + s + RESET : s;
    }
}
