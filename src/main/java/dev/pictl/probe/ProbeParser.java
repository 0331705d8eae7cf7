package dev.pictl.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeObservation.ServiceState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsers of the probe's own sections ({@link NodeProbe}) and the text helpers every fragment's parser uses.
 * Tolerant: a missing or empty section means "unknown" or "absent", never an exception, so one odd node cannot
 * stop a plan. The output holds the server's token; nothing here logs it or puts it in a message.
 */
public final class ProbeParser {

    private static final Pattern MEM_TOTAL = Pattern.compile("^MemTotal:\\s*(\\d+)", Pattern.MULTILINE);
    private static final Pattern MEM_AVAILABLE = Pattern.compile("^MemAvailable:\\s*(\\d+)", Pattern.MULTILINE);
    private static final Pattern TEMP = Pattern.compile("temp=(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern THROTTLED = Pattern.compile("throttled=(0x[0-9a-fA-F]+)");
    private static final Pattern UNIT_LINE = Pattern.compile("^(\\S+) load=(\\S*) active=(\\S*)\\s*$");
    private static final Pattern USB_DISK = Pattern.compile("^/dev/sd[a-z]+\\d*$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private ProbeParser() {
    }

    /**
     * The {@code lifecycle} section: {@code state=running}, {@code nologin=yes} (only when /run/nologin exists),
     * {@code pictl-reboot=BOOT_ID} (empty when pictl scheduled no reboot in this boot). Absent (an older script):
     * running.
     */
    static NodeObservation.Lifecycle lifecycle(String text) {
        if (text == null) {
            return NodeObservation.Lifecycle.RUNNING;
        }
        Map<String, String> kv = keyValues(text);
        String reboot = kv.get("pictl-reboot");
        return new NodeObservation.Lifecycle(kv.getOrDefault("state", "").strip(), "yes".equals(kv.get("nologin")),
                reboot == null || reboot.isBlank() ? null : reboot.strip());
    }

    /** Whether the output reached the script's last section (an output cut short has no end marker). */
    public static boolean complete(String stdout) {
        return ProbeOutput.of(stdout).has(ProbeScript.END_SECTION);
    }

    /** Splits the output at its marker lines ({@link ProbeOutput}). */
    static ProbeOutput sections(String stdout) {
        return ProbeOutput.of(stdout);
    }

    // ---- facts ---------------------------------------------------------------------------------------------

    static Facts facts(ProbeOutput s) {
        Map<String, String> os = keyValues(s.get("os-release"));
        String rootSource = s.line("root-source");
        return new Facts(
                model(s.get("model")),
                s.line("arch"),
                s.line("dpkg-arch"),
                meminfoKb(MEM_TOTAL, s.get("meminfo")),
                meminfoKb(MEM_AVAILABLE, s.get("meminfo")),
                os.get("ID"), os.get("VERSION_ID"), os.get("VERSION_CODENAME"),
                s.line("kernel"),
                rootSource,
                bootDevice(rootSource),
                throttled(s.get("throttled")),
                temperature(s.get("temp")),
                s.line("boot-id"),
                s.line("hostname"),
                s.line("kernel-hostname"),
                hostsName(s.get("hosts")));
    }

    /** The device-tree model without NULs and surrounding space; null when absent. */
    static String model(String text) {
        if (text == null) {
            return null;
        }
        String m = text.replace("\0", "").strip();
        return m.isEmpty() ? null : m;
    }

    /** A {@code Name:   123 kB} line of /proc/meminfo in kB; 0 when the line is missing or unreadable. */
    static long meminfoKb(Pattern line, String text) {
        if (text == null) {
            return 0;
        }
        Matcher m = line.matcher(text);
        if (!m.find()) {
            return 0;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What the root filesystem's device says about the boot medium:
     *
     * <pre>
     * /dev/mmcblk0p2   sd     (SD card; eMMC on a Compute Module reads the same)
     * /dev/sda2        usb    (USB SSD or stick; SATA through a USB bridge)
     * /dev/nvme0n1p2   nvme
     * anything else    unknown (/dev/root, PARTUUID=..., overlay, nothing)
     * </pre>
     */
    static String bootDevice(String rootSource) {
        if (rootSource == null) {
            return "unknown";
        }
        if (rootSource.startsWith("/dev/mmcblk")) {
            return "sd";
        }
        if (USB_DISK.matcher(rootSource).matches()) {
            return "usb";
        }
        if (rootSource.startsWith("/dev/nvme")) {
            return "nvme";
        }
        return "unknown";
    }

    /** {@code throttled=0x50005} → {@code 0x50005}; null when vcgencmd is missing or printed something else. */
    static String throttled(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = THROTTLED.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** {@code temp=47.2'C} → 47.2; null when unknown. */
    static Double temperature(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TEMP.matcher(text);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    /** The first name on the {@code 127.0.1.1} line of /etc/hosts, or null. */
    static String hostsName(String text) {
        for (String line : lines(text)) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("127.0.1.1")) {
                return words[1];
            }
        }
        return null;
    }

    // ---- kernel command line -------------------------------------------------------------------------------

    static Cmdline cmdline(ProbeOutput s) {
        String path = s.line("cmdline-path");
        String fileText = path == null ? null : s.get("cmdline-file");
        List<String> fileTokens = fileText == null ? List.of() : tokens(firstLine(fileText));
        return new Cmdline(fileText == null ? null : path, fileText, fileTokens,
                tokens(s.get("proc-cmdline")), tokens(s.get("cgroup-controllers")));
    }

    /** The text up to its first newline. */
    public static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    // ---- units ---------------------------------------------------------------------------------------------

    /**
     * The units section: {@code systemctl show -p Id -p LoadState -p ActiveState UNIT...}, one block of
     * {@code KEY=VALUE} lines per unit in the order asked, blocks separated by a blank line (a block is matched to
     * its unit by {@code Id}, {@code k3s.service} for {@code k3s}, else by its place); or lines
     * {@code k3s load=loaded active=active} (the probe's older form). A unit file exists when systemd could find it
     * (any LoadState but {@code not-found}: {@code loaded}, {@code masked}, {@code bad-setting}, {@code error}); an
     * empty active state is {@code unknown}. Units not reported at all are unknown and not present.
     */
    static Map<String, ServiceState> services(List<String> units, String text) {
        Map<String, ServiceState> out = new LinkedHashMap<>();
        for (String name : units) {
            out.put(name, new ServiceState(name, false, "unknown"));
        }
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> block = null;
        for (String line : lines(text)) {
            Matcher m = UNIT_LINE.matcher(line);
            if (m.matches()) {
                String load = m.group(2);
                String active = m.group(3).isEmpty() ? "unknown" : m.group(3);
                out.put(m.group(1), new ServiceState(m.group(1), !load.isEmpty() && !load.equals("not-found"), active));
                continue;
            }
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty()) {
                block = null;
            } else if (eq > 0) {
                if (block == null) {
                    block = new LinkedHashMap<>();
                    blocks.add(block);
                }
                block.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        for (int i = 0; i < blocks.size(); i++) {
            Map<String, String> b = blocks.get(i);
            String id = b.get("Id");
            String name = null;
            if (id != null) {
                for (String u : units) {
                    if (id.equals(u) || id.equals(u + ".service")) {
                        name = u;
                        break;
                    }
                }
            }
            if (name == null && (id == null || i < units.size())) {
                name = i < units.size() ? units.get(i) : null;
            }
            if (name == null) {
                continue;
            }
            String load = b.getOrDefault("LoadState", "");
            String active = b.getOrDefault("ActiveState", "");
            out.put(name, new ServiceState(name, !load.isEmpty() && !load.equals("not-found"),
                    active.isEmpty() ? "unknown" : active));
        }
        return Map.copyOf(out);
    }

    // ---- k3s's version line (the kube part tells "API down" from "not installed" by it) -------------------

    /** {@code k3s version v1.31.4+k3s1 (52a7fc12)} → {@code v1.31.4+k3s1}. */
    public static String k3sVersion(String text) {
        String first = line(text);
        if (first == null) {
            return null;
        }
        String[] w = first.split("\\s+");
        return w.length >= 3 && w[0].equals("k3s") && w[1].equals("version") ? w[2] : null;
    }

    // ---- kubernetes objects ---------------------------------------------------------------------------------

    /**
     * The server's objects from {@code kubectl get ... -o json}: one or more JSON documents one after the other
     * (a {@code List} per type, or one mixed {@code List} as
     * {@code get nodes,storageclasses,persistentvolumes,namespaces,networkpolicies -A} prints it), split by
     * {@code kind}. Null on a node not probed as the server. A failed kubectl (k3s stopped: "The connection to the
     * server 127.0.0.1:6443 was refused …") gives empty lists and its error.
     */
    static KubeSnapshot kube(boolean asked, ProbeOutput s) {
        if (!asked) {
            return null;
        }
        boolean k3s = k3sVersion(s.get("k3s-version")) != null;
        String status = s.get("kube-status");
        if (status == null) {
            return failedKube("the probe printed no kubectl result", k3s);
        }
        int nl = status.indexOf('\n');
        String code = (nl < 0 ? status : status.substring(0, nl)).strip();
        String stderr = nl < 0 ? "" : status.substring(nl + 1).strip();
        if (!code.equals("0")) {
            if (code.equals("124")) {
                return failedKube("kubectl did not answer within " + NodeProbe.KUBECTL_TIMEOUT_SECONDS + "s"
                        + (stderr.isEmpty() ? "" : ": " + stderr), k3s);
            }
            return failedKube(stderr.isEmpty() ? "kubectl exited " + code : stderr, k3s);
        }
        String json = s.get("kube") == null ? "" : s.get("kube");
        List<Map<String, Object>> roots = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = JSON.readerFor(MAP).readValues(json)) {
            while (it.hasNextValue()) {
                roots.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getClass().getSimpleName();
            return failedKube("kubectl printed output pictl could not read as JSON: " + why, k3s);
        }
        if (roots.isEmpty()) {
            return failedKube("kubectl printed nothing", k3s);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> classes = new ArrayList<>();
        List<Map<String, Object>> volumes = new ArrayList<>();
        List<Map<String, Object>> namespaces = new ArrayList<>();
        List<Map<String, Object>> policies = new ArrayList<>();
        for (Map<String, Object> root : roots) {
            for (Map<String, Object> item : items(root)) {
                switch (String.valueOf(item.get("kind"))) {
                    case "Node" -> nodes.add(item);
                    case "StorageClass" -> classes.add(item);
                    case "PersistentVolume" -> volumes.add(item);
                    case "Namespace" -> namespaces.add(item);
                    case "NetworkPolicy" -> policies.add(item);
                    default -> { }
                }
            }
        }
        return new KubeSnapshot(nodes, classes, volumes, namespaces, policies, null, k3s);
    }

    /** A {@code List}'s items; a single object (kubectl unwraps one result of one type) is its own item. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> root) {
        Object items = root.get("items");
        if (items instanceof List<?> l) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
            return out;
        }
        return root.containsKey("kind") && !"List".equals(root.get("kind")) ? List.of(root) : List.of();
    }

    private static KubeSnapshot failedKube(String error, boolean k3s) {
        return new KubeSnapshot(List.of(), List.of(), List.of(), error, k3s);
    }

    // ---- text helpers --------------------------------------------------------------------------------------

    /** The first line, stripped; null when there is none or it is blank. */
    public static String line(String text) {
        if (text == null) {
            return null;
        }
        String first = firstLine(text).strip();
        return first.isEmpty() ? null : first;
    }

    /** The lines of a section; none for a missing or empty one. */
    public static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : text.lines().toList();
    }

    /** The words of a section, split at white space; none for a missing or blank one. */
    public static List<String> tokens(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return List.of(text.strip().split("\\s+"));
    }

    /** {@link KeyValues} lines, os-release's {@code KEY="value"} and {@code KEY='value'} unquoted. */
    public static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        KeyValues.parse(text).forEach((k, v) -> out.put(k, unquote(v)));
        return out;
    }

    /** A value without one pair of surrounding double or single quotes. */
    public static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
