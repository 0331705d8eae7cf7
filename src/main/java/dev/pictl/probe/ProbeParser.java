package dev.pictl.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.K3sInstall;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeObservation.PackageState;
import dev.pictl.probe.NodeObservation.PathState;
import dev.pictl.probe.NodeObservation.ServiceState;
import dev.pictl.probe.ProbeScript.Section;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the output of {@link ProbeScript} into a {@link NodeObservation}. Tolerant: a missing or empty section
 * means "unknown" or "absent", never an exception, so one odd node cannot stop a plan. The output holds the
 * server's token; nothing here logs it or puts it in a message.
 */
public final class ProbeParser {

    /** {@code not-installed}: what a package dpkg does not know (or knows as not installed) is reported as. */
    public static final String NOT_INSTALLED = "not-installed";

    private static final Pattern MARKER_LINE =
            Pattern.compile("^" + Pattern.quote(ProbeScript.MARKER) + "([a-z0-9-]+)\\r?$\\n?", Pattern.MULTILINE);
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

    /** Parses one node's probe output. {@code request} says what was asked (server objects, PV paths). */
    public static NodeObservation parse(ProbeRequest request, String stdout) {
        Map<Section, String> s = sections(stdout);
        return new NodeObservation(request.node(), facts(s), cmdline(s), packages(s.get(Section.PACKAGES)),
                services(s.get(Section.UNITS)), k3s(s), kube(request, s), paths(s.get(Section.PATHS)),
                lifecycle(s.get(Section.LIFECYCLE)));
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
        return sections(stdout).containsKey(Section.END);
    }

    /**
     * Splits the output at its marker lines. A section's text is what lies between its marker line and the
     * newline that the script prints before the next marker. Unknown section names are skipped (a newer
     * script, an older parser); the first of two equal names wins.
     */
    static Map<Section, String> sections(String stdout) {
        Map<Section, String> out = new EnumMap<>(Section.class);
        Matcher m = MARKER_LINE.matcher(stdout);
        Section current = null;
        int from = 0;
        while (m.find()) {
            if (current != null) {
                out.putIfAbsent(current, dropSeparator(stdout.substring(from, m.start())));
            }
            current = Section.byId(m.group(1));
            from = m.end();
        }
        if (current != null) {
            out.putIfAbsent(current, dropSeparator(stdout.substring(from)));
        }
        return out;
    }

    private static String dropSeparator(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    // ---- facts ---------------------------------------------------------------------------------------------

    static Facts facts(Map<Section, String> s) {
        Map<String, String> os = keyValues(s.get(Section.OS_RELEASE));
        String rootSource = line(s.get(Section.ROOT_SOURCE));
        return new Facts(
                model(s.get(Section.MODEL)),
                line(s.get(Section.ARCH)),
                line(s.get(Section.DPKG_ARCH)),
                meminfoKb(MEM_TOTAL, s.get(Section.MEMINFO)),
                meminfoKb(MEM_AVAILABLE, s.get(Section.MEMINFO)),
                os.get("ID"), os.get("VERSION_ID"), os.get("VERSION_CODENAME"),
                line(s.get(Section.KERNEL)),
                rootSource,
                bootDevice(rootSource),
                throttled(s.get(Section.THROTTLED)),
                temperature(s.get(Section.TEMP)),
                line(s.get(Section.BOOT_ID)),
                line(s.get(Section.HOSTNAME)),
                line(s.get(Section.KERNEL_HOSTNAME)),
                hostsName(s.get(Section.HOSTS)));
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

    static Cmdline cmdline(Map<Section, String> s) {
        String path = line(s.get(Section.CMDLINE_PATH));
        String fileText = path == null ? null : s.get(Section.CMDLINE_FILE);
        List<String> fileTokens = fileText == null ? List.of() : tokens(firstLine(fileText));
        return new Cmdline(fileText == null ? null : path, fileText, fileTokens,
                tokens(s.get(Section.PROC_CMDLINE)), tokens(s.get(Section.CGROUP_CONTROLLERS)));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    // ---- packages and units --------------------------------------------------------------------------------

    /**
     * dpkg-query lines {@code docker.io ii  20.10.24+dfsg1-1+b3} ({@code ${binary:Package}} may carry
     * {@code :arm64}). A package dpkg does not know, or knows as not installed ({@code un}, {@code pn}), is
     * {@value #NOT_INSTALLED}; {@code rc} (removed, config files left) is kept as it is.
     */
    static Map<String, PackageState> packages(String text) {
        Map<String, PackageState> out = new LinkedHashMap<>();
        for (String name : ProbeScript.PACKAGES) {
            out.put(name, new PackageState(name, NOT_INSTALLED, null));
        }
        for (String line : lines(text)) {
            String[] w = line.strip().split("\\s+");
            if (w.length < 2 || w[0].isEmpty()) {
                continue;
            }
            String name = w[0].contains(":") ? w[0].substring(0, w[0].indexOf(':')) : w[0];
            String status = w[1];
            if (status.length() >= 2 && status.charAt(1) == 'n') {
                out.put(name, new PackageState(name, NOT_INSTALLED, null));
            } else {
                out.put(name, new PackageState(name, status, w.length > 2 ? w[2] : null));
            }
        }
        return out;
    }

    /**
     * Lines {@code k3s load=loaded active=active}. A unit file exists when systemd could find it (any LoadState
     * but {@code not-found}: {@code loaded}, {@code masked}, {@code bad-setting}, {@code error}); an empty
     * active state is {@code unknown}. Units not reported at all are unknown and not present.
     */
    static Map<String, ServiceState> services(String text) {
        Map<String, ServiceState> out = new LinkedHashMap<>();
        for (String name : ProbeScript.UNITS) {
            out.put(name, new ServiceState(name, false, "unknown"));
        }
        for (String line : lines(text)) {
            Matcher m = UNIT_LINE.matcher(line);
            if (m.matches()) {
                String load = m.group(2);
                String active = m.group(3).isEmpty() ? "unknown" : m.group(3);
                out.put(m.group(1), new ServiceState(m.group(1), !load.isEmpty() && !load.equals("not-found"), active));
            }
        }
        return out;
    }

    // ---- k3s -----------------------------------------------------------------------------------------------

    static K3sInstall k3s(Map<Section, String> s) {
        String version = k3sVersion(s.get(Section.K3S_VERSION));
        String config = s.get(Section.K3S_CONFIG);
        String password = serverPassword(s.get(Section.SERVER_TOKEN));
        String agentUrl = agentUrl(s.get(Section.AGENT_ENV));
        if (version == null && config == null && password == null && agentUrl == null) {
            return null;
        }
        return new K3sInstall(version, config, password, agentUrl);
    }

    /** {@code k3s version v1.31.4+k3s1 (52a7fc12)} → {@code v1.31.4+k3s1}. */
    static String k3sVersion(String text) {
        String first = line(text);
        if (first == null) {
            return null;
        }
        String[] w = first.split("\\s+");
        return w.length >= 3 && w[0].equals("k3s") && w[1].equals("version") ? w[2] : null;
    }

    /**
     * The password of a k3s token: {@code K10<ca-hash>::<user>:<password>} → {@code <password>} (k3s splits at
     * the first {@code ::}, then at the first {@code :}, so the password may hold colons); a token without
     * {@code ::} is a bare password. Null for an empty or missing file.
     */
    static String serverPassword(String text) {
        String token = line(text);
        if (token == null) {
            return null;
        }
        int sep = token.indexOf("::");
        if (sep < 0) {
            return token;
        }
        String creds = token.substring(sep + 2);
        int colon = creds.indexOf(':');
        String password = colon < 0 ? creds : creds.substring(colon + 1);
        return password.isEmpty() ? null : password;
    }

    /** {@code K3S_URL='https://10.0.0.1:6443'} (quoted by the install script, or not) → the URL. */
    static String agentUrl(String text) {
        for (String line : lines(text)) {
            String l = line.strip();
            if (l.startsWith("K3S_URL=")) {
                String v = unquote(l.substring("K3S_URL=".length()));
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    // ---- kubernetes objects ---------------------------------------------------------------------------------

    /**
     * The server's objects from {@code kubectl get ... -o json}: one or more JSON documents one after the other
     * (a {@code List} per type, or one mixed {@code List} as {@code get nodes,storageclasses,persistentvolumes}
     * prints it), split by {@code kind}. Null on a node not probed as the server. A failed kubectl (k3s
     * stopped: "The connection to the server 127.0.0.1:6443 was refused …") gives empty lists and its error.
     */
    static KubeSnapshot kube(ProbeRequest request, Map<Section, String> s) {
        String status = s.get(Section.KUBE_STATUS);
        if (status == null) {
            return request.server() ? failedKube("the probe printed no kubectl result") : null;
        }
        int nl = status.indexOf('\n');
        String code = (nl < 0 ? status : status.substring(0, nl)).strip();
        String stderr = nl < 0 ? "" : status.substring(nl + 1).strip();
        if (!code.equals("0")) {
            if (code.equals("124")) {
                return failedKube("kubectl did not answer within " + ProbeScript.KUBECTL_TIMEOUT_SECONDS + "s"
                        + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            return failedKube(stderr.isEmpty() ? "kubectl exited " + code : stderr);
        }
        String json = s.getOrDefault(Section.KUBE, "");
        List<Map<String, Object>> roots = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = JSON.readerFor(MAP).readValues(json)) {
            while (it.hasNextValue()) {
                roots.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getClass().getSimpleName();
            return failedKube("kubectl printed output pictl could not read as JSON: " + why);
        }
        if (roots.isEmpty()) {
            return failedKube("kubectl printed nothing");
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> classes = new ArrayList<>();
        List<Map<String, Object>> volumes = new ArrayList<>();
        for (Map<String, Object> root : roots) {
            for (Map<String, Object> item : items(root)) {
                switch (String.valueOf(item.get("kind"))) {
                    case "Node" -> nodes.add(item);
                    case "StorageClass" -> classes.add(item);
                    case "PersistentVolume" -> volumes.add(item);
                    default -> { }
                }
            }
        }
        return new KubeSnapshot(nodes, classes, volumes, null);
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

    private static KubeSnapshot failedKube(String error) {
        return new KubeSnapshot(List.of(), List.of(), List.of(), error);
    }

    // ---- PV directories ------------------------------------------------------------------------------------

    /** Lines {@code absent|empty|data PATH}. */
    static Map<String, PathState> paths(String text) {
        Map<String, PathState> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                continue;
            }
            String path = line.substring(sp + 1);
            switch (line.substring(0, sp)) {
                case "absent" -> out.put(path, new PathState(false, false));
                case "empty" -> out.put(path, new PathState(true, false));
                case "data" -> out.put(path, new PathState(true, true));
                default -> { }
            }
        }
        return out;
    }

    // ---- text helpers --------------------------------------------------------------------------------------

    /** The first line, stripped; null when there is none or it is blank. */
    static String line(String text) {
        if (text == null) {
            return null;
        }
        String first = firstLine(text).strip();
        return first.isEmpty() ? null : first;
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : text.lines().toList();
    }

    private static List<String> tokens(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return List.of(text.strip().split("\\s+"));
    }

    /** {@link KeyValues} lines, os-release's {@code KEY="value"} and {@code KEY='value'} unquoted. */
    private static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        KeyValues.parse(text).forEach((k, v) -> out.put(k, unquote(v)));
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
