package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reserved resources and hard eviction thresholds of a k3s block's kubelets: {@code system_reserved},
 * {@code kube_reserved} and {@code eviction_hard}, written into config.yaml as the {@code kubelet-arg} entries k3s
 * hands its embedded kubelet ({@code system-reserved=cpu=250m,memory=256Mi}, {@code eviction-hard=memory.available<200Mi,...}).
 * They change config.yaml, so a change restarts k3s like any config change: planned, one node at a time.
 *
 * <p>Why pictl says something about it (day2-facts §6.2): k3s replaces the kubelet's default hard-eviction set
 * with {@code imagefs.available<5%,nodefs.available<5%}, so there is no {@code memory.available} threshold, and
 * setting any {@code eviction-hard} replaces the whole set again (so a user's memory threshold drops the disk ones
 * unless they are written too).
 */
final class KubeletReservations {
    static final String SYSTEM_RESERVED = "system_reserved";
    static final String KUBE_RESERVED = "kube_reserved";
    static final String EVICTION_HARD = "eviction_hard";
    /** The attributes, in the order they become kubelet arguments. */
    static final List<String> ATTRIBUTES = List.of(SYSTEM_RESERVED, KUBE_RESERVED, EVICTION_HARD);
    static final String KUBELET_ARG = "kubelet-arg";

    /** What the advisory suggests, as HCL. */
    static final String SUGGESTION = "system_reserved = { memory = \"256Mi\" }\n"
            + "kube_reserved   = { memory = \"256Mi\" }\n"
            + "eviction_hard   = { \"memory.available\" = \"200Mi\", \"nodefs.available\" = \"5%\", "
            + "\"imagefs.available\" = \"5%\" }";

    /** A board with this much memory or less (MemTotal, kB) is a small board: a "4 GB" Pi shows about 3.7 GiB. */
    static final long SMALL_BOARD_KB = 4L * 1024 * 1024 + 512 * 1024;

    private static final Set<String> RESOURCES = Set.of("cpu", "memory", "ephemeral-storage", "pid");
    private static final Set<String> SIGNALS = Set.of("memory.available", "nodefs.available", "nodefs.inodesFree",
            "imagefs.available", "imagefs.inodesFree", "containerfs.available", "containerfs.inodesFree",
            "pid.available", "allocatableMemory.available");
    /** A Kubernetes quantity: a decimal number with an optional SI or binary suffix, or milli ({@code 250m}). */
    static final Pattern QUANTITY = Pattern.compile("(\\d+(\\.\\d+)?|\\.\\d+)([KMGTPE]i|[kMGTPE]|m)?");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(\\.\\d+)?)%");

    private KubeletReservations() {
    }

    static final AttributeSchema SYSTEM_RESERVED_ATTR = attr(SYSTEM_RESERVED, AttrType.MAP)
            .doc("Resources the kubelet keeps back for the operating system, e.g. `{ memory = \"256Mi\", cpu = "
                    + "\"250m\" }` (keys `cpu`, `memory`, `ephemeral-storage`, `pid`; Kubernetes quantities). Written "
                    + "as the kubelet argument `system-reserved` in config.yaml's `kubelet-arg`; a change restarts k3s, "
                    + "one node at a time.");
    static final AttributeSchema KUBE_RESERVED_ATTR = attr(KUBE_RESERVED, AttrType.MAP)
            .doc("Resources the kubelet keeps back for k3s itself (the same keys as `system_reserved`); the kubelet "
                    + "argument `kube-reserved`.");
    static final AttributeSchema EVICTION_HARD_ATTR = attr(EVICTION_HARD, AttrType.MAP)
            .doc("Hard eviction thresholds, signal to quantity or percentage, e.g. `{ \"memory.available\" = "
                    + "\"200Mi\", \"nodefs.available\" = \"5%\", \"imagefs.available\" = \"5%\" }`; the kubelet "
                    + "argument `eviction-hard`. It replaces k3s's whole set (`imagefs.available<5%,"
                    + "nodefs.available<5%`, no memory threshold), so write the disk signals too.");

    /** The kubelet arguments the block's attributes make, in {@link #ATTRIBUTES} order (keys sorted). */
    static List<String> kubeletArgs(ResourceInstance i) {
        List<String> out = new ArrayList<>();
        for (String a : ATTRIBUTES) {
            Map<String, String> m = strings(i, a);
            if (m.isEmpty()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            String sep = a.equals(EVICTION_HARD) ? "<" : "=";
            m.forEach((k, v) -> parts.add(k + sep + v));
            out.add(flag(a) + "=" + String.join(",", parts));
        }
        return out;
    }

    /** {@code system_reserved} → {@code system-reserved}. */
    static String flag(String attribute) {
        return attribute.replace('_', '-');
    }

    /**
     * Adds the block's kubelet arguments to config.yaml's keys: after the passthrough's own {@code kubelet-arg}
     * entries (a string or a list), as a list.
     */
    static void addTo(Map<String, Object> config, ResourceInstance i) {
        List<String> ours = kubeletArgs(i);
        if (ours.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>();
        Object theirs = config.get(KUBELET_ARG);
        if (theirs instanceof List<?> l) {
            l.forEach(x -> all.add(String.valueOf(x)));
        } else if (theirs != null) {
            all.add(String.valueOf(theirs));
        }
        all.addAll(ours);
        config.put(KUBELET_ARG, all);
    }

    /**
     * Whether the block keeps memory back in any way: a reservation or a {@code memory.available} threshold, as an
     * attribute or in the passthrough's {@code kubelet-arg}.
     */
    static boolean reservesMemory(ResourceInstance i) {
        if (strings(i, SYSTEM_RESERVED).containsKey("memory") || strings(i, KUBE_RESERVED).containsKey("memory")
                || strings(i, EVICTION_HARD).containsKey("memory.available")) {
            return true;
        }
        return passthroughArgs(i).stream().anyMatch(a -> {
            String f = a.strip().replaceFirst("^--", "");
            return (f.startsWith("system-reserved=") || f.startsWith("kube-reserved=")) && f.contains("memory=")
                    || f.startsWith("eviction-hard=") && f.contains("memory.available");
        });
    }

    /** The passthrough's {@code kubelet-arg} entries (a string or a list of them). */
    static List<String> passthroughArgs(ResourceInstance i) {
        List<String> out = new ArrayList<>();
        if (i.attributes().get("config") instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> {
                if (K3sConfigKeys.normalisedKey(k).equals(KUBELET_ARG)) {
                    if (v instanceof Value.Str s) {
                        out.add(s.value());
                    } else if (v instanceof Value.ListVal l) {
                        l.items().forEach(x -> {
                            if (x instanceof Value.Str s) {
                                out.add(s.value());
                            }
                        });
                    }
                }
            });
        }
        return out;
    }

    /** The attribute's entries as strings (unknown values left out), sorted by key. */
    static Map<String, String> strings(ResourceInstance i, String attribute) {
        Map<String, String> out = new TreeMap<>();
        if (i.attributes().get(attribute) instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> {
                if (v instanceof Value.Str s) {
                    out.put(k, s.value());
                } else if (v instanceof Value.Num n) {
                    out.put(k, n.value().stripTrailingZeros().toPlainString());
                }
            });
        }
        return out;
    }

    /**
     * Every key a resource (reserved) or an eviction signal, every value a quantity (or a percentage for a
     * signal); no argument set both here and in the passthrough's {@code kubelet-arg}; a warning for an
     * {@code eviction_hard} without the disk signals k3s would have set.
     */
    static void check(Config config, List<ResourceInstance> instances, Diagnostics diags) {
        for (ResourceInstance i : instances) {
            for (String a : ATTRIBUTES) {
                if (!(i.attributes().get(a) instanceof Value.MapVal m)) {
                    continue;
                }
                boolean eviction = a.equals(EVICTION_HARD);
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    SourceRange keyAt = config.located(m.keyRanges().get(e.getKey()), m.range());
                    if (!(eviction ? SIGNALS : RESOURCES).contains(e.getKey())) {
                        diags.error(keyAt, NodeText.show(e.getKey()) + " is not " + (eviction
                                        ? "a kubelet eviction signal" : "a resource the kubelet reserves"),
                                "The keys of " + a + " are " + String.join(", ", new java.util.TreeSet<>(eviction
                                        ? SIGNALS : RESOURCES)) + ".");
                        continue;
                    }
                    Value v = e.getValue();
                    if (v instanceof Value.Unknown) {
                        continue;
                    }
                    String text = v instanceof Value.Str s ? s.value() : v instanceof Value.Num n
                            ? n.value().stripTrailingZeros().toPlainString() : null;
                    boolean ok = text != null && (QUANTITY.matcher(text).matches()
                            || eviction && PERCENT.matcher(text).matches() && Double.parseDouble(
                            text.substring(0, text.length() - 1)) <= 100);
                    if (!ok) {
                        diags.error(config.located(v.range(), keyAt), "the value of " + a + "[\"" + e.getKey()
                                        + "\"] is not a " + (eviction ? "quantity or percentage" : "quantity"),
                                "Write a Kubernetes quantity such as \"256Mi\", \"1Gi\" or \"250m\""
                                        + (eviction ? ", or a percentage such as \"5%\"." : "."));
                    }
                }
                if (eviction && !m.entries().isEmpty() && (!m.entries().containsKey("nodefs.available")
                        || !m.entries().containsKey("imagefs.available"))) {
                    diags.warning(config.located(m.range(), i.headerRange()), i.address().block()
                                    + ": eviction_hard replaces k3s's disk thresholds",
                            "k3s starts the kubelet with eviction-hard=imagefs.available<5%,nodefs.available<5%, and "
                                    + "any eviction-hard replaces that whole set. Add \"nodefs.available\" = \"5%\" and "
                                    + "\"imagefs.available\" = \"5%\" to keep the kubelet evicting pods before the disk "
                                    + "fills.");
                }
            }
            for (String arg : passthroughArgs(i)) {
                String f = arg.strip().replaceFirst("^--", "");
                for (String a : ATTRIBUTES) {
                    if (i.attributes().get(a) instanceof Value.MapVal && f.startsWith(flag(a) + "=")) {
                        diags.error(i.rangeOf(a), i.address().block() + " sets " + flag(a) + " twice",
                                "Its config passes kubelet-arg \"" + flag(a) + "=...\" and it sets " + a + ". Keep "
                                        + "one: the attribute is checked and shown in plans.");
                    }
                }
            }
        }
    }

    /**
     * The advisory for a small board running the server with nothing reserved: the summary and the detail, with
     * the suggested setting and why. {@code memory} is what pictl knows of the board's memory ("3.7 GB"), or null
     * when it cannot see the board (validate).
     */
    static String[] advice(ResourceInstance server, String memory) {
        String node = server.node();
        String summary = memory == null
                ? server.address() + " reserves no memory on " + node
                : node + " has " + memory + " and runs " + server.address() + " with no memory reserved";
        String detail = (memory == null ? "If " + node + " has 4 GB or less (validate cannot see the board; plan "
                + "checks its memory), the kubelet and k3s can be starved. " : "On a board this small the kubelet and "
                + "the control plane compete with pods for memory. ")
                + "k3s replaces the kubelet's default eviction thresholds with imagefs.available<5%,"
                + "nodefs.available<5%: there is no memory.available threshold, so memory pressure ends in kernel OOM "
                + "kills and a flaky API server instead of evicted pods. Suggested, in " + server.address() + ":\n"
                + SUGGESTION;
        return new String[] {summary, detail};
    }
}
