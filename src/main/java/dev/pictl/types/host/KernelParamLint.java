package dev.pictl.types.host;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Suggest;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lints kernel command-line tokens. The kernel does not reject unknown parameters: a misspelling such as the
 * seed guide's {@code cgroupenable=memory} is silently passed to init, so pictl warns with the likely intent. Part
 * of {@link KernelParamsType}'s rules: tokens are one printable word each, not listed twice nor in both lists, and
 * {@code add} never turns the memory cgroup off.
 */
final class KernelParamLint {
    /** Parameters pictl knows, with the values it knows for them (empty = any value). */
    private static final Map<String, Set<String>> KNOWN = Map.ofEntries(
            Map.entry("cgroup_enable", Set.of("memory", "cpuset", "cpu", "cpuacct", "blkio", "devices", "pids", "hugetlb")),
            Map.entry("cgroup_disable", Set.of("memory", "cpuset", "cpu", "cpuacct", "blkio", "devices", "pids", "hugetlb")),
            Map.entry("cgroup_memory", Set.of("0", "1")),
            Map.entry("swapaccount", Set.of("0", "1")),
            Map.entry("cgroup_no_v1", Set.of()),
            Map.entry("systemd.unified_cgroup_hierarchy", Set.of("0", "1", "true", "false")),
            Map.entry("console", Set.of()),
            Map.entry("root", Set.of()),
            Map.entry("rootfstype", Set.of()),
            Map.entry("rootwait", Set.of()),
            Map.entry("fsck.repair", Set.of()),
            Map.entry("quiet", Set.of()),
            Map.entry("splash", Set.of()),
            Map.entry("plymouth.ignore-serial-consoles", Set.of()),
            Map.entry("ip", Set.of()),
            Map.entry("usb-storage.quirks", Set.of()),
            Map.entry("dwc_otg.lpm_enable", Set.of()),
            Map.entry("elevator", Set.of()),
            Map.entry("loglevel", Set.of()),
            Map.entry("net.ifnames", Set.of()),
            Map.entry("ipv6.disable", Set.of()));

    /** Tokens that do nothing useful any more, and why. */
    private static final Map<String, String> OBSOLETE = Map.of(
            "swapaccount=1", "it is a cgroup v1 setting; Raspberry Pi OS Bookworm runs cgroup v2, where swap "
                    + "accounting is always on. It is harmless and can be dropped.");

    private final Diagnostics diags;

    KernelParamLint(Diagnostics diags) {
        this.diags = diags;
    }

    void check(Config config) {
        // Instances of one block share their values; the diagnostics collector drops the repeats.
        for (ResourceInstance kp : config.ofType(KernelParamsType.NAME)) {
            Map<String, Value.Str> added = new HashMap<>();
            for (Value.Str t : tokens(kp, "add")) {
                if (!shape(t)) {
                    continue;
                }
                Value.Str first = added.putIfAbsent(t.value(), t);
                if (first != null) {
                    diags.error(t.range(), "kernel parameter " + NodeText.display(t) + " is listed twice",
                            "It is already in add at " + first.range().location() + ". Remove one.");
                    continue;
                }
                if (t.value().equals("cgroup_disable=memory")) {
                    diags.error(t.range(), "add holds cgroup_disable=memory",
                            "That turns the memory cgroup off and k3s will not start. Put it in remove instead.");
                    continue;
                }
                if (!t.sensitive()) {
                    lint(t); // its suggestions would quote it
                }
            }
            for (Value.Str t : tokens(kp, "remove")) {
                if (!shape(t)) {
                    continue;
                }
                Value.Str inAdd = added.get(t.value());
                if (inAdd != null) {
                    diags.error(t.range(), "kernel parameter " + NodeText.display(t) + " is in both add and remove",
                            "It is added at " + inAdd.range().location() + ". Keep it in one list.");
                }
            }
        }
    }

    private static List<Value.Str> tokens(ResourceInstance kp, String attr) {
        if (kp.attributes().get(attr) instanceof Value.ListVal l) {
            return l.items().stream().filter(v -> v instanceof Value.Str).map(v -> (Value.Str) v).toList();
        }
        return List.of();
    }

    /** cmdline.txt is one line of space-separated tokens: a token can hold neither. */
    private boolean shape(Value.Str t) {
        String v = t.value();
        if (v.isEmpty()) {
            diags.error(t.range(), "empty kernel parameter", "Remove the empty string.");
            return false;
        }
        if (v.chars().anyMatch(Character::isWhitespace)) {
            diags.error(t.range(), "kernel parameter " + (t.sensitive() ? NodeText.display(t) : "\"" + v.strip() + "\"")
                            + " contains white space",
                    "cmdline.txt is a single line of tokens separated by spaces; list each token as its own string, "
                            + "e.g. [\"cgroup_enable=cpuset\", \"cgroup_enable=memory\"].");
            return false;
        }
        int bad = NodeText.firstUnwritable(v, true);
        if (bad >= 0) {
            diags.error(t.range(), "kernel parameter " + NodeText.show(v) + " holds " + NodeText.describe(v, bad),
                    "cmdline.txt is one line of printable tokens the firmware hands to the kernel; a control "
                            + "character there would cut or corrupt the line. Remove it.");
            return false;
        }
        return true;
    }

    private void lint(Value.Str t) {
        String token = t.value();
        String obsolete = OBSOLETE.get(token);
        if (obsolete != null) {
            diags.warning(t.range(), "kernel parameter \"" + token + "\" is obsolete", "It is not needed: " + obsolete);
            return;
        }
        int eq = token.indexOf('=');
        String key = eq < 0 ? token : token.substring(0, eq);
        String value = eq < 0 ? null : token.substring(eq + 1);
        Set<String> values = KNOWN.get(key);
        if (values == null) {
            String close = Suggest.closest(key, KNOWN.keySet());
            if (close == null) {
                close = Suggest.closest(key.replace("-", "_"), KNOWN.keySet());
            }
            if (close != null) {
                String meant = value == null ? close : close + "=" + value;
                diags.warning(t.range(), "unknown kernel parameter \"" + token + "\"; did you mean \"" + meant + "\"?",
                        "The kernel does not reject unknown parameters: it passes \"" + token + "\" to init and the "
                                + "setting silently does nothing. Write \"" + meant + "\".");
            }
            return;
        }
        if (value != null && !values.isEmpty() && !values.contains(value)) {
            String close = Suggest.closest(value, values);
            diags.warning(t.range(), "unknown value \"" + value + "\" for kernel parameter " + key
                            + (close == null ? "" : "; did you mean \"" + key + "=" + close + "\"?"),
                    key + " takes one of: " + String.join(", ", values.stream().sorted().toList())
                            + ". The kernel ignores values it does not know.");
        }
    }
}
