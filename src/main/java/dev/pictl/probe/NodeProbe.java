package dev.pictl.probe;

import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeObservation.Lifecycle;
import dev.pictl.probe.NodeObservation.ServiceState;

import java.util.List;
import java.util.Map;

/**
 * The probe's own fragments: what every node's probe prints whatever the resource types, because the framework
 * reads it ({@link Health}, the reboot wait, the plan's node info), and the Kubernetes snapshot the server's probe
 * prints when the server's type asks for it.
 *
 * <pre>
 *   fragment  sections                                        part           read by
 *   NODE      model arch dpkg-arch meminfo os-release kernel  {@link Basics} Health, reboot wait, node, drift
 *             root-source throttled temp boot-id lifecycle
 *             hostname kernel-hostname hosts
 *   CMDLINE   cmdline-path cmdline-file proc-cmdline          {@link Cmdline}     Health, kernel_params
 *             cgroup-controllers
 *   UNITS     units (the units every fragment declares)       map of {@link ServiceState}  runtime, k3s, drains
 *   KUBE      kube kube-status   (only when {@value #KUBE_ASK} is asked)  {@link KubeSnapshot}  Health, drift,
 *                                                                              storage, node readiness
 * </pre>
 *
 * {@link #NODE} and {@link #CMDLINE} open every probe ({@link Probe#of}); {@link #UNITS} and {@link #KUBE} sit
 * where the types that read them list them.
 */
public final class NodeProbe {

    /** The ask that makes a node's probe read the cluster's objects with kubectl (the server's). */
    public static final String KUBE_ASK = "kube";

    /** The kubectl call gets its own limit so a hung API server costs the kube sections, not the whole probe. */
    public static final int KUBECTL_TIMEOUT_SECONDS = 20;

    /** What a unit name may hold: it goes into the script unquoted. */
    private static final java.util.regex.Pattern UNIT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9:_.@-]+");

    /** The facts every node gets and the lifecycle (is the board going down?). */
    public record Basics(Facts facts, Lifecycle lifecycle) {
    }

    // Each line prints one section; stderr is dropped where a failure just means "unknown" (no vcgencmd on a
    // non-Pi, no dpkg, no findmnt, ...). Files are read with the prelude's rd/gr (no process); tools run only for
    // what no file tells reliably: uname's machine (one call for both uname facts), dpkg's architecture, the root
    // device (findmnt resolves /dev/root), vcgencmd, systemd's state. The kernel's hostname is
    // /proc/sys/kernel/hostname, which is what hostname(1) prints.
    private static final String NODE_TEXT = """
            sec model;              rd "$R/sys/firmware/devicetree/base/model" 2>/dev/null
            u=$(uname -r -m 2>/dev/null)
            sec arch;               printf '%s\\n' "${u##* }"
            sec dpkg-arch;          dpkg --print-architecture 2>/dev/null
            sec meminfo;            gr "$R/proc/meminfo" 'MemTotal:*' 'MemAvailable:*' 2>/dev/null
            sec os-release;         gr "$R/etc/os-release" 'ID=*' 'VERSION_ID=*' 'VERSION_CODENAME=*' 2>/dev/null
            sec kernel;             printf '%s\\n' "${u%% *}"
            sec root-source;        findmnt -n -o SOURCE / 2>/dev/null
            sec throttled;          vcgencmd get_throttled 2>/dev/null
            sec temp;               vcgencmd measure_temp 2>/dev/null
            sec boot-id;            rd "$R/proc/sys/kernel/random/boot_id" 2>/dev/null
            # A board shutting down still answers for a while; pictl must not start a change on it.
            sec lifecycle;          printf 'state=%s\\n' "$(systemctl is-system-running 2>/dev/null)"
                                    [ -e "$R/run/nologin" ] && echo nologin=yes
                                    p=; [ -f "$R/run/pictl/reboot" ] && read -r p <"$R/run/pictl/reboot"
                                    printf 'pictl-reboot=%s\\n' "$p"
            sec hostname;           rd "$R/etc/hostname" 2>/dev/null
            sec kernel-hostname;    rd "$R/proc/sys/kernel/hostname" 2>/dev/null
            sec hosts;              gr "$R/etc/hosts" '127.0.1.1[[:space:]]*' 2>/dev/null
            """;

    /** Hardware, OS and lifecycle facts: every node, every probe. */
    public static final ProbeFragment<Basics> NODE = fragment("facts",
            List.of("model", "arch", "dpkg-arch", "meminfo", "os-release", "kernel", "root-source", "throttled", "temp",
                    "boot-id", "lifecycle", "hostname", "kernel-hostname", "hosts"),
            request -> NODE_TEXT,
            (request, out) -> new Basics(ProbeParser.facts(out), ProbeParser.lifecycle(out.get("lifecycle"))));

    // types.host.Sh finds cmdline.txt the same way.
    private static final String CMDLINE_TEXT = """
            # cmdline.txt: Bookworm's /boot/firmware/cmdline.txt; else /boot/cmdline.txt unless it is
            # Bookworm's "has moved to /boot/firmware" stub; else none (never the stub).
            if [ -f "$R/boot/firmware/cmdline.txt" ]; then c=/boot/firmware/cmdline.txt
            elif [ -f "$R/boot/cmdline.txt" ] && ! gr "$R/boot/cmdline.txt" '*has moved to /boot/firmware*' >/dev/null 2>&1
            then c=/boot/cmdline.txt
            else c=
            fi
            sec cmdline-path;       printf '%s' "$c"
            [ -n "$c" ] && { sec cmdline-file; rd "$R$c" 2>/dev/null; }
            sec proc-cmdline;       rd "$R/proc/cmdline" 2>/dev/null
            sec cgroup-controllers; rd "$R/sys/fs/cgroup/cgroup.controllers" 2>/dev/null
            """;

    /**
     * The kernel command line: cmdline.txt and the running one. The probe's own (not kernel_params'): Health reads
     * it on every node, described kernel_params or not.
     */
    public static final ProbeFragment<Cmdline> CMDLINE = fragment("cmdline",
            List.of("cmdline-path", "cmdline-file", "proc-cmdline", "cgroup-controllers"),
            request -> CMDLINE_TEXT, (request, out) -> ProbeParser.cmdline(out));

    /**
     * The systemd units every fragment of the probe declares ({@link ProbeFragment#units()}), one line each. This
     * constant marks where the section goes; {@link Probe#of} puts {@link #units(List)} of the declared units in
     * its place. Its part is a map by unit name; {@link NodeObservation#services()} reads it.
     */
    public static final ProbeFragment<Map<String, ServiceState>> UNITS = units(List.of());

    /** The units section for these units (in this order). */
    public static ProbeFragment<Map<String, ServiceState>> units(List<String> units) {
        return new UnitsFragment(units);
    }

    /** Whether this is a units section ({@link #UNITS} or one {@link Probe#of} made in its place). */
    static boolean isUnits(ProbeFragment<?> fragment) {
        return fragment instanceof UnitsFragment;
    }

    private static final class UnitsFragment implements ProbeFragment<Map<String, ServiceState>> {
        private final List<String> names;
        private final String script;

        UnitsFragment(List<String> units) {
            names = List.copyOf(units);
            // One systemctl for all units: show prints a block of KEY=VALUE lines per unit, in the order asked,
            // with a blank line between blocks (ProbeParser.services).
            StringBuilder text = new StringBuilder("sec units\nsystemctl show -p Id -p LoadState -p ActiveState");
            for (String u : names) {
                if (!UNIT_NAME.matcher(u).matches()) {
                    throw new IllegalArgumentException("not a systemd unit name: " + u);
                }
                text.append(' ').append(u);
            }
            text.append(" 2>/dev/null\n");
            script = names.isEmpty() ? "" : text.toString();
        }

        @Override
        public String id() {
            return "units";
        }

        @Override
        public List<String> sections() {
            return List.of("units");
        }

        @Override
        public String script(ProbeRequest request) {
            return script;
        }

        @Override
        public Map<String, ServiceState> parse(ProbeRequest request, ProbeOutput output) {
            return ProbeParser.services(names, output.get("units"));
        }

        @Override
        public String toString() {
            return "ProbeFragment[units " + names + "]";
        }
    }

    // The API objects, in ONE kubectl call: `get nodes,storageclasses,persistentvolumes,namespaces,networkpolicies
    // -A -o json` prints one List of all five types (network policies of every namespace), as the real kubectl does
    // (the parser also takes one List per type). Its JSON goes straight to stdout (fd 3) while its stderr is
    // captured, so an error (k3s stopped) is kept apart from the JSON with its exit status.
    private static final String KUBE_TEXT = """
            sec kube
            { ke=$(timeout %d k3s kubectl get nodes,storageclasses,persistentvolumes,namespaces,networkpolicies -A -o json 2>&1 >&3); kx=$?; } 3>&1
            sec kube-status;        printf '%%s\\n%%s' "$kx" "$ke"
            """.formatted(KUBECTL_TIMEOUT_SECONDS);

    /**
     * The cluster's Nodes, StorageClasses, PersistentVolumes, Namespaces and NetworkPolicies as the server's kubectl
     * shows them; printed only
     * when {@value #KUBE_ASK} is asked (the server's type asks it), else the part is null. The probe's own because
     * {@link Health} reads the Node objects; the storage types read the rest.
     */
    public static final ProbeFragment<KubeSnapshot> KUBE = fragment("kube", List.of("kube", "kube-status"),
            request -> request.asked(KUBE_ASK) ? KUBE_TEXT : "",
            (request, out) -> ProbeParser.kube(request.asked(KUBE_ASK), out));

    /** The fragments that open every probe, in this order. */
    public static final List<ProbeFragment<?>> ALWAYS = List.of(NODE, CMDLINE);

    /**
     * {@link #ALWAYS}, then the day-two facts {@link Health} reads on every node (issue 15): free space and the
     * kernel log ({@link StorageProbe}), k3s's certificates ({@link CertProbe}). A method, not a constant: those
     * classes make their fragments with {@link #fragment}, so a constant here would be a class-initialisation cycle.
     */
    public static List<ProbeFragment<?>> always() {
        return List.of(NODE, CMDLINE, StorageProbe.STORAGE, CertProbe.CERTS);
    }

    private NodeProbe() {
    }

    /** A fragment of these parts: what most fragments are. */
    public static <T> ProbeFragment<T> fragment(String id, List<String> sections,
                                                java.util.function.Function<ProbeRequest, String> script,
                                                java.util.function.BiFunction<ProbeRequest, ProbeOutput, T> parse) {
        return fragment(id, sections, List.of(), script, parse);
    }

    /** A fragment of these parts, whose owners read these systemd units. */
    public static <T> ProbeFragment<T> fragment(String id, List<String> sections, List<String> units,
                                                java.util.function.Function<ProbeRequest, String> script,
                                                java.util.function.BiFunction<ProbeRequest, ProbeOutput, T> parse) {
        List<String> s = List.copyOf(sections);
        List<String> u = List.copyOf(units);
        return new ProbeFragment<>() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<String> sections() {
                return s;
            }

            @Override
            public List<String> units() {
                return u;
            }

            @Override
            public String script(ProbeRequest request) {
                return script.apply(request);
            }

            @Override
            public T parse(ProbeRequest request, ProbeOutput output) {
                return parse.apply(request, output);
            }

            @Override
            public String toString() {
                return "ProbeFragment[" + id + "]";
            }
        };
    }
}
