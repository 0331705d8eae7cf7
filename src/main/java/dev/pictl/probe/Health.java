package dev.pictl.probe;

import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what one probe round trip found for trouble a person should hear about before (plan) or beside (drift)
 * anything else. Everything comes from the observations already gathered: no extra command runs for it.
 *
 * <pre>
 *   code                      advisory  what it says
 *   throttled_now             no        a get_throttled bit 0-3 is set: under-voltage, capping, throttling or the
 *                                       soft temperature limit now (the message lists every set bit)
 *   throttled_since_boot      no        only bits 16-19: it happened since boot, not now
 *   hot                       no        SoC at 80°C or more (where the firmware starts throttling)
 *   low_available_memory      no        MemAvailable under 10% of MemTotal
 *   cmdline_not_booted        no        cmdline.txt has tokens /proc/cmdline does not: reboot pending, or the
 *                                       boot did not read this file
 *   firmware_overrides_flag   no        a cgroup_enable=/cgroup_disable= of cmdline.txt is undone by the opposite
 *                                       token later in /proc/cmdline that cmdline.txt does not have
 *   memory_cgroup_missing     no        cgroup_enable=memory is in force on /proc/cmdline, yet the memory
 *                                       controller is not in cgroup.controllers (no visible culprit)
 *   node_not_ready            no        the server's Node object for the node is not Ready
 *   k3s_api_unavailable       no        on the server: k3s is installed but kubectl failed (k3s stopped, ...),
 *                                       so nothing of the cluster could be read
 *   disk_full                 error     / or k3s's data directory under the kubelet's 5% eviction threshold
 *   disk_low                  no        under 10% free ({@link StorageProbe})
 *   sd_card_errors            no/error  mmc/ext4/I/O errors in the kernel log since boot, count and first line;
 *                                       an error when a file system was remounted read-only
 *   cert_expired              error     a k3s leaf certificate expired ({@link CertProbe})
 *   cert_expiring             no/error  one expires inside k3s's 120-day renewal window; an error under 14 days
 *   low_memory                yes       under ~3.5 GB installed (MemTotal): k3s on a Pi wants 4 GB
 *   sd_card_boot              yes       / is on an SD card (or eMMC)
 *   not_a_pi                  yes       the device-tree model is not a Raspberry Pi, or there is none
 *   not_arm64                 yes       the kernel is not aarch64
 *   eeprom_update_available   yes       rpi-eeprom-update says the bootloader has an update (nodes with a
 *                                       boot_config only: {@link EepromProbe})
 * </pre>
 *
 * An <em>advisory</em> finding is a standing fact of the hardware or setup: worth knowing, never a reason to
 * fail a run, and it will be there again tomorrow. The others are trouble now (or since boot) that someone
 * should act on.
 *
 * <p>Cluster-level findings ({@code node_not_ready}, {@code k3s_api_unavailable}) come from the server's
 * {@link KubeSnapshot}, so only {@link #findings(Map)}, which sees every node, has them. A described node that
 * is missing from the Node list while the API answers gives no finding: k3s not installed or not joined is the
 * plan's business, not health's.
 */
public final class Health {
    public static final String THROTTLED_NOW = "throttled_now";
    public static final String THROTTLED_SINCE_BOOT = "throttled_since_boot";
    public static final String HOT = "hot";
    public static final String LOW_AVAILABLE_MEMORY = "low_available_memory";
    public static final String CMDLINE_NOT_BOOTED = "cmdline_not_booted";
    public static final String FIRMWARE_OVERRIDES_FLAG = "firmware_overrides_flag";
    public static final String MEMORY_CGROUP_MISSING = "memory_cgroup_missing";
    public static final String NODE_NOT_READY = "node_not_ready";
    public static final String EEPROM_UPDATE_AVAILABLE = "eeprom_update_available";
    public static final String K3S_API_UNAVAILABLE = "k3s_api_unavailable";
    /** A server of an embedded-etcd cluster (its Node has the etcd role) whose Node is not Ready (issue 14). */
    public static final String ETCD_MEMBER_DOWN = "etcd_member_down";
    public static final String LOW_MEMORY = "low_memory";
    public static final String SD_CARD_BOOT = "sd_card_boot";
    public static final String NOT_A_PI = "not_a_pi";
    public static final String NOT_ARM64 = "not_arm64";

    /** The SoC temperature at which the firmware starts throttling. */
    static final double HOT_C = 80.0;
    /** MemTotal below this is "less than 4 GB" (a 4 GB board reports about 3.8 GB: the GPU and kernel keep some). */
    static final long LOW_MEMORY_KB = 3_500_000L;

    private static final String ENABLE = "cgroup_enable=";
    private static final String DISABLE = "cgroup_disable=";

    private Health() {
    }

    /**
     * One finding.
     *
     * @param node     the node it concerns (for {@code node_not_ready}, the Node object's name, which pictl sets
     *                 to the node's name in the description)
     * @param code     stable for machines (the table above)
     * @param message  for people, without the node's name
     * @param advisory a standing fact of the hardware or setup that never fails a run
     * @param error    trouble that cannot wait (a certificate about to expire, a disk past the eviction threshold):
     *                 drift counts it whatever {@code fail_on_health} says (issue 15); never with {@code advisory}
     */
    public record Finding(String node, String code, String message, boolean advisory, boolean error) {
        public Finding {
            if (advisory && error) {
                throw new IllegalArgumentException("an advisory finding is never an error: " + code);
            }
        }

        /** A warning-level finding ({@code advisory} false) or an advisory one. */
        public Finding(String node, String code, String message, boolean advisory) {
            this(node, code, message, advisory, false);
        }

        /** {@code error}, {@code warning} or {@code advisory}: as drift's JSON names the level. */
        public String level() {
            return error ? "error" : advisory ? "advisory" : "warning";
        }
    }

    /** Bit, meaning; bits 0-3 are now, 16-19 since boot (cleared only by a reboot). */
    private static final Object[][] BITS = {
        {0, "under-voltage now"},
        {1, "ARM frequency capped now"},
        {2, "throttled now"},
        {3, "soft temperature limit active now"},
        {16, "under-voltage has occurred since boot"},
        {17, "ARM frequency capping has occurred since boot"},
        {18, "throttling has occurred since boot"},
        {19, "soft temperature limit has occurred since boot"},
    };
    private static final long NOW_BITS = 0xFL;
    private static final long UNDER_VOLTAGE_BITS = 0x10001L;

    /** The meaning of each set bit of a {@code get_throttled} value, e.g. 0x50005 → four phrases. */
    public static List<String> decodeThrottled(long bits) {
        List<String> out = new ArrayList<>();
        for (Object[] b : BITS) {
            if ((bits & (1L << (Integer) b[0])) != 0) {
                out.add((String) b[1]);
            }
        }
        return out;
    }

    /**
     * Every finding of every observed node and the cluster-level ones from the server's snapshot, by node name;
     * within a node, the trouble before the advisory facts, each group in the order of the table above. An
     * unreachable node has no findings of its own (the plan reports it as unknown), but the server may still
     * say its k3s node is NotReady.
     */
    public static List<Finding> findings(Map<String, ProbeOutcome> probes) {
        List<Finding> own = new ArrayList<>();
        List<Finding> cluster = new ArrayList<>();
        for (ProbeOutcome o : new TreeMap<>(probes).values()) {
            if (o instanceof ProbeOutcome.Observed obs) {
                NodeObservation n = obs.observation();
                own.addAll(findings(n));
                if (n.kube() != null) {
                    cluster.addAll(cluster(n));
                }
            }
        }
        List<Finding> out = new ArrayList<>(own);
        out.addAll(cluster);
        // List.sort is stable: within a node and group, the order above stays.
        out.sort(Comparator.comparing(Finding::node).thenComparing(Finding::advisory));
        return out;
    }

    /** The findings of one node's own facts and command line (not the cluster-level ones: see the class). */
    public static List<Finding> findings(NodeObservation o) {
        List<Finding> out = new ArrayList<>();
        Facts f = o.facts();
        String n = o.node();
        long bits = f.throttledBits();
        List<String> what = bits > 0 ? decodeThrottled(bits) : List.of();
        if (!what.isEmpty()) {
            out.add(new Finding(n, (bits & NOW_BITS) != 0 ? THROTTLED_NOW : THROTTLED_SINCE_BOOT,
                    "throttled=" + f.throttled() + ": " + String.join(", ", what)
                            + ((bits & UNDER_VOLTAGE_BITS) != 0
                            ? " (a weak power supply or cable; under-voltage corrupts SD cards)" : ""), false));
        }
        if (f.temperatureC() != null && f.temperatureC() >= HOT_C) {
            out.add(new Finding(n, HOT, String.format(Locale.ROOT, "SoC temperature %.1f°C (throttling starts at 80°C)",
                    f.temperatureC()), false));
        }
        if (f.memTotalKb() > 0 && f.memAvailableKb() > 0 && f.memAvailableKb() * 10 < f.memTotalKb()) {
            out.add(new Finding(n, LOW_AVAILABLE_MEMORY, size(f.memAvailableKb()) + " of " + size(f.memTotalKb())
                    + " memory available (under 10%): new pods may not fit, and the kernel may start killing processes",
                    false));
        }
        out.addAll(cmdlineFindings(o));
        out.addAll(StorageProbe.findings(n, o.part(StorageProbe.STORAGE)));
        out.addAll(CertProbe.findings(n, o.part(CertProbe.CERTS), java.time.Instant.now()));
        if (f.memTotalKb() > 0 && f.memTotalKb() < LOW_MEMORY_KB) {
            out.add(new Finding(n, LOW_MEMORY, String.format(Locale.ROOT,
                    "%.1f GB of memory; k3s on a Pi wants at least 4 GB", f.memTotalKb() / 1024.0 / 1024.0), true));
        }
        if ("sd".equals(f.bootDevice())) {
            out.add(new Finding(n, SD_CARD_BOOT, "boots from an SD card (" + f.rootSource()
                    + "); k3s's datastore wears SD cards out, a USB SSD lasts longer", true));
        }
        if (f.model() != null && !f.isRaspberryPi()) {
            out.add(new Finding(n, NOT_A_PI, "model is \"" + f.model() + "\", not a Raspberry Pi", true));
        } else if (f.model() == null) {
            out.add(new Finding(n, NOT_A_PI, "no device-tree model: probably not a Raspberry Pi", true));
        }
        if (f.arch() != null && !f.arch().equals("aarch64")) {
            out.add(new Finding(n, NOT_ARM64, "runs a " + f.arch() + " kernel, not aarch64 (64-bit)", true));
        }
        EepromProbe.finding(o).ifPresent(out::add);
        return out;
    }

    /** {@code 612352} → {@code 598 MB}; {@code 7997156} → {@code 7.6 GB} (binary units, as free(1) shows them). */
    static String size(long kb) {
        return kb < 1024 * 1024 ? kb / 1024 + " MB" : String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
    }

    // ---- the kernel command line -----------------------------------------------------------------------------

    /**
     * The memory cgroup k3s needs is off although the running command line turns it on: the
     * {@code firmware_overrides_flag} finding when a later token that cmdline.txt does not have disables it, else
     * {@code memory_cgroup_missing} when {@code cgroup_enable=memory} is in force on {@code /proc/cmdline} but
     * {@code memory} is not in {@code cgroup.controllers}. Empty when the memory cgroup is on, when the
     * command line does not enable it, or when the controllers are unknown (no cgroup v2 root).
     *
     * <p>The one place this is decided: the plan's preflight warnings (through {@link #findings(Map)}) and
     * {@code kernel_params}' observation note both use it.
     */
    public static Optional<Finding> memoryCgroupOverridden(NodeObservation o) {
        Cmdline c = o.cmdline();
        if (c == null) {
            return Optional.empty();
        }
        for (Undone ov : overrides(c)) {
            if (ov.controllers().contains("memory")) {
                return Optional.of(overrideFinding(o, ov));
            }
        }
        return memoryEnabledButMissing(c) ? Optional.of(missingFinding(o)) : Optional.empty();
    }

    private static List<Finding> cmdlineFindings(NodeObservation o) {
        Cmdline c = o.cmdline();
        if (c == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        List<String> missing = notBooted(c);
        if (!missing.isEmpty()) {
            out.add(new Finding(o.node(), CMDLINE_NOT_BOOTED, c.path() + " has " + String.join(" ", missing)
                    + " that the running kernel does not: a reboot is pending, or the boot did not use this file",
                    false));
        }
        boolean memory = false;
        for (Undone ov : overrides(c)) {
            out.add(overrideFinding(o, ov));
            memory |= ov.controllers().contains("memory");
        }
        if (!memory && memoryEnabledButMissing(c)) {
            out.add(missingFinding(o));
        }
        return out;
    }

    /**
     * The tokens of cmdline.txt that {@code /proc/cmdline} lacks, in file order. The firmware rewrites
     * {@code console=serial0,115200} to the board's real UART ({@code console=ttyS0,115200} on a Pi 4,
     * {@code ttyAMA10} on a Pi 5), so a {@code console=serialN} token counts as booted when any {@code console=}
     * token with the same options is there. Unknown (empty) when /proc/cmdline could not be read.
     */
    static List<String> notBooted(Cmdline c) {
        if (c.running().isEmpty()) {
            return List.of();
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String t : c.fileTokens()) {
            if (!booted(t, c.running())) {
                missing.add(t);
            }
        }
        return List.copyOf(missing);
    }

    /**
     * Whether a cmdline.txt token is on the running kernel's command line: as written, or (for
     * {@code console=serialN[,options]}) as the firmware rewrote it to the board's real UART.
     */
    public static boolean booted(String token, List<String> running) {
        return running.contains(token) || serialConsoleBooted(token, running);
    }

    private static boolean serialConsoleBooted(String token, List<String> running) {
        if (!token.matches("console=serial\\d+(,.*)?")) {
            return false;
        }
        int comma = token.indexOf(',');
        String options = comma < 0 ? "" : token.substring(comma);
        return running.stream().anyMatch(r -> r.startsWith("console=") && (options.isEmpty() || r.endsWith(options)));
    }

    /**
     * A cgroup toggle of cmdline.txt undone on the running command line.
     *
     * @param flag        the file's last {@code cgroup_enable=}/{@code cgroup_disable=} token for the controllers
     * @param later       the opposite token after it in /proc/cmdline, the one that wins
     * @param controllers the controllers both name
     */
    private record Undone(String flag, String later, List<String> controllers) {
    }

    /**
     * The kernel applies {@code cgroup_enable=} and {@code cgroup_disable=} left to right, the last one for a
     * controller wins, and the firmware puts its own tokens around cmdline.txt's (facts §2.3, §3.4):
     *
     * <pre>
     *   /proc/cmdline   reboot=w … cgroup_disable=memory …  console=… cgroup_enable=memory   [cgroup_disable=memory]
     *                   └── firmware prefix: harmless ──┘   └──── cmdline.txt ─────────┘   └ firmware/DT: wins ┘
     * </pre>
     *
     * For each controller cmdline.txt toggles: when the last toggle of it on /proc/cmdline goes the other way
     * than the file's last toggle, and the file's token was booted before it, the later token cannot be the
     * file's (the file has no opposite toggle after its last one), so something else put it there.
     */
    private static List<Undone> overrides(Cmdline c) {
        Map<String, String> fileLast = lastToggles(c.fileTokens());
        Map<String, Integer> runLast = new LinkedHashMap<>();
        for (int i = 0; i < c.running().size(); i++) {
            for (String ctl : controllers(c.running().get(i))) {
                runLast.put(ctl, i);
            }
        }
        Map<List<String>, List<String>> byTokens = new LinkedHashMap<>();
        fileLast.forEach((ctl, flag) -> {
            Integer at = runLast.get(ctl);
            if (at == null) {
                return;
            }
            String later = c.running().get(at);
            if (enables(later) != enables(flag) && c.running().subList(0, at).contains(flag)) {
                byTokens.computeIfAbsent(List.of(flag, later), k -> new ArrayList<>()).add(ctl);
            }
        });
        List<Undone> out = new ArrayList<>();
        byTokens.forEach((pair, ctls) -> out.add(new Undone(pair.get(0), pair.get(1), ctls)));
        return out;
    }

    /** Whether the memory controller's winning toggle on /proc/cmdline enables it, yet the kernel lacks it. */
    private static boolean memoryEnabledButMissing(Cmdline c) {
        String last = lastToggles(c.running()).get("memory");
        return last != null && enables(last) && !c.controllers().isEmpty() && !c.controllers().contains("memory");
    }

    /** Controller → the last token that toggles it. */
    private static Map<String, String> lastToggles(List<String> tokens) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : tokens) {
            for (String ctl : controllers(t)) {
                out.put(ctl, t);
            }
        }
        return out;
    }

    /** {@code cgroup_enable=cpuset,memory} → [cpuset, memory]; any other token → none. */
    private static List<String> controllers(String token) {
        String list = token.startsWith(ENABLE) ? token.substring(ENABLE.length())
                : token.startsWith(DISABLE) ? token.substring(DISABLE.length()) : null;
        if (list == null) {
            return List.of();
        }
        return List.of(list.split(",")).stream().filter(s -> !s.isEmpty()).toList();
    }

    private static boolean enables(String token) {
        return token.startsWith(ENABLE);
    }

    private static Finding overrideFinding(NodeObservation o, Undone ov) {
        return new Finding(o.node(), FIRMWARE_OVERRIDES_FLAG, "cmdline.txt's " + ov.flag() + " is undone by "
                + ov.later() + " after it in /proc/cmdline, which cmdline.txt does not have: the firmware or device "
                + "tree adds it and the kernel applies the flags left to right, so no cmdline.txt edit is "
                + "guaranteed to fix it" + (ov.controllers().contains("memory") ? "; k3s will not start without "
                + "the memory cgroup" : "") + " (" + bootDetails(o) + ")", false);
    }

    private static Finding missingFinding(NodeObservation o) {
        return new Finding(o.node(), MEMORY_CGROUP_MISSING, "the running kernel has cgroup_enable=memory but no "
                + "memory cgroup controller: the kernel or firmware ignores or overrides the flag, so no cmdline.txt "
                + "edit is guaranteed to fix it; k3s will not start without it (" + bootDetails(o) + ")", false);
    }

    /** What to quote when the kernel, not the file, is at fault: its release and the whole command line. */
    private static String bootDetails(NodeObservation o) {
        String kernel = o.facts().kernelRelease();
        return "kernel " + (kernel == null ? "unknown" : kernel) + "; /proc/cmdline: "
                + String.join(" ", o.cmdline().running());
    }

    // ---- the cluster, as the server sees it ------------------------------------------------------------------

    /**
     * The server's snapshot: {@code k3s_api_unavailable} on the server when kubectl failed although the k3s
     * binary is there (without it, kubectl fails because k3s is not installed yet: the plan's business), else a
     * {@code node_not_ready} for every Node whose {@code Ready} condition is not {@code True} ({@code False}
     * or {@code Unknown}: kubectl shows both as NotReady) or that has no Ready condition yet.
     */
    static List<Finding> cluster(NodeObservation server) {
        KubeSnapshot k = server.kube();
        if (!k.ok()) {
            if (!k.k3sInstalled()) {
                return List.of();
            }
            String error = k.error().strip();
            int nl = error.indexOf('\n');
            return List.of(new Finding(server.node(), K3S_API_UNAVAILABLE, "k3s API unavailable, so the cluster's "
                    + "nodes could not be checked (kubectl: " + (nl < 0 ? error : error.substring(0, nl).strip()) + ")",
                    false));
        }
        List<Finding> out = new ArrayList<>();
        for (Map<String, Object> node : k.nodes()) {
            String name = string(map(node.get("metadata")).get("name"));
            if (name == null) {
                continue;
            }
            Map<String, Object> ready = readyCondition(node);
            if (ready == null) {
                out.add(new Finding(name, NODE_NOT_READY, "k3s node NotReady: it reports no Ready condition yet",
                        false));
            } else if (!"True".equals(string(ready.get("status")))) {
                StringBuilder m = new StringBuilder("k3s node NotReady");
                String since = string(ready.get("lastTransitionTime"));
                if (since != null) {
                    m.append(" since ").append(since);
                }
                String reason = string(ready.get("reason"));
                String message = string(ready.get("message"));
                if (reason != null || message != null) {
                    m.append(": ").append(reason == null ? message : message == null ? reason : reason + ": " + message);
                }
                out.add(new Finding(name, NODE_NOT_READY, m.toString(), false));
            }
        }
        out.addAll(etcdMembersDown(k.nodes()));
        return out;
    }

    /**
     * {@code etcd_member_down} for each Node with the etcd role ({@code node-role.kubernetes.io/etcd=true}, which k3s
     * sets on servers with embedded etcd) that is not Ready, naming it and what is left of quorum.
     */
    public static List<Finding> etcdMembersDown(List<Map<String, Object>> nodes) {
        List<String> members = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (Map<String, Object> node : nodes) {
            Map<String, Object> md = map(node.get("metadata"));
            String name = string(md.get("name"));
            if (name == null || !"true".equals(string(map(md.get("labels")).get("node-role.kubernetes.io/etcd")))) {
                continue;
            }
            members.add(name);
            Map<String, Object> ready = readyCondition(node);
            if (ready == null || !"True".equals(string(ready.get("status")))) {
                down.add(name);
            }
        }
        List<Finding> out = new ArrayList<>();
        int quorum = members.size() / 2 + 1;
        for (String name : down) {
            int left = members.size() - down.size();
            out.add(new Finding(name, ETCD_MEMBER_DOWN, "etcd member " + name + " is down (its Node is NotReady): "
                    + left + " of " + members.size() + " servers answer, quorum needs " + quorum
                    + (left > quorum ? "; the cluster keeps quorum" : left == quorum
                    ? "; one more server down stops the cluster's writes" : "; quorum is LOST: the API cannot take writes"),
                    false));
        }
        return out;
    }

    /**
     * Whether the Node of this name is Ready in a snapshot: true, false (NotReady, or no Ready condition yet, as
     * {@code node_not_ready} counts it), or null when the snapshot has no such Node.
     */
    public static Boolean ready(KubeSnapshot kube, String name) {
        for (Map<String, Object> node : kube.nodes()) {
            if (name.equals(string(map(node.get("metadata")).get("name")))) {
                Map<String, Object> ready = readyCondition(node);
                return ready != null && "True".equals(string(ready.get("status")));
            }
        }
        return null;
    }

    private static Map<String, Object> readyCondition(Map<String, Object> node) {
        if (map(node.get("status")).get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                Map<String, Object> cond = map(c);
                if ("Ready".equals(cond.get("type"))) {
                    return cond;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString();
    }
}
