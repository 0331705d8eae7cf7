package dev.pictl.probe;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one probe round trip found on a node: the typed part of each {@link ProbeFragment} of the probe, by
 * the fragment's id. A part is absent (null) when the node does not have the thing (k3s not installed, not the
 * server, ...) or the probe had no such fragment. The node-wide parts have accessors ({@link #facts()},
 * {@link #lifecycle()}, {@link #cmdline()}, {@link #services()}, {@link #kube()}); a resource type reads its own
 * part with {@link #part(ProbeFragment)}. Secrets read from the node (the server's token) are held only in memory
 * and never printed: the parts that hold them redact them in {@code toString}.
 *
 * @param node  the node's name in the description
 * @param parts by fragment id; always holds {@link NodeProbe#NODE}'s
 */
public record NodeObservation(String node, Map<String, Object> parts) {
    public NodeObservation {
        Objects.requireNonNull(node, "node");
        parts = Map.copyOf(parts);
        if (!(parts.get(NodeProbe.NODE.id()) instanceof NodeProbe.Basics)) {
            throw new IllegalArgumentException(node + ": an observation without the node's facts");
        }
    }

    /** An observation of a running board with these facts and nothing else (tests, and the start of a parse). */
    public static NodeObservation of(String node, Facts facts) {
        return of(node, facts, Lifecycle.RUNNING);
    }

    /** An observation with these facts and lifecycle and nothing else. */
    public static NodeObservation of(String node, Facts facts, Lifecycle lifecycle) {
        return new NodeObservation(node, Map.of(NodeProbe.NODE.id(),
                new NodeProbe.Basics(Objects.requireNonNull(facts, "facts"),
                        lifecycle == null ? Lifecycle.RUNNING : lifecycle)));
    }

    /** This observation with {@code fragment}'s part set to {@code part} (removed when null). */
    public <T> NodeObservation with(ProbeFragment<T> fragment, T part) {
        Map<String, Object> next = new java.util.HashMap<>(parts);
        if (part == null) {
            next.remove(fragment.id());
        } else {
            next.put(fragment.id(), part);
        }
        return new NodeObservation(node, next);
    }

    /** The fragment's part, or null when the probe had no such fragment or it found nothing. */
    @SuppressWarnings("unchecked")
    public <T> T part(ProbeFragment<T> fragment) {
        return (T) parts.get(fragment.id());
    }

    /** Hardware and OS facts. */
    public Facts facts() {
        return part(NodeProbe.NODE).facts();
    }

    /** Whether the board is running or shutting down, and a reboot pictl scheduled in this boot. */
    public Lifecycle lifecycle() {
        return part(NodeProbe.NODE).lifecycle();
    }

    /** cmdline.txt and the running kernel's command line; null when not probed. */
    public Cmdline cmdline() {
        return part(NodeProbe.CMDLINE);
    }

    /** The systemd units the probe's fragments declare, by name (e.g. {@code docker}, {@code k3s}). */
    public Map<String, ServiceState> services() {
        Map<String, ServiceState> s = part(NodeProbe.UNITS);
        return s == null ? Map.of() : s;
    }

    /** The Kubernetes objects as the server's kubectl shows them; null unless this node was probed as the server. */
    public KubeSnapshot kube() {
        return part(NodeProbe.KUBE);
    }

    /**
     * Where the board is between boot and shutdown. A board that is going down must not be changed: an edit
     * started now is cut off mid-command, and what it would verify is gone with the boot.
     *
     * @param systemState   what {@code systemctl is-system-running} printed ({@code running}, {@code degraded},
     *                      {@code starting}, {@code stopping}, ...); empty when it printed nothing
     * @param nologin       whether {@code /run/nologin} exists (systemd writes it when a shutdown begins, and
     *                      removes it late in boot)
     * @param pictlRebootOf the boot_id in {@code /run/pictl/reboot}, which pictl writes just before it schedules a
     *                      reboot; /run is a tmpfs, so the file exists only in the boot it was written in; null when
     *                      absent
     */
    public record Lifecycle(String systemState, boolean nologin, String pictlRebootOf) {
        public static final Lifecycle RUNNING = new Lifecycle("running", false, null);

        public Lifecycle {
            systemState = systemState == null ? "" : systemState;
        }

        /**
         * The board is going down: systemd is {@code stopping}, or {@code /run/nologin} exists outside boot (a
         * shutdown is under way or scheduled within minutes). During boot /run/nologin is normal and means nothing.
         */
        public boolean shuttingDown() {
            return systemState.equals("stopping") || nologin && !systemState.equals("starting")
                    && !systemState.equals("initializing");
        }

        /** Whether a reboot that pictl scheduled is still to come in the boot that was probed. */
        public boolean pictlRebootPending(String bootId) {
            return pictlRebootOf != null && pictlRebootOf.equals(bootId);
        }
    }

    /**
     * Hardware and OS facts.
     *
     * @param model          {@code /sys/firmware/devicetree/base/model} without the trailing NUL; null if absent
     * @param arch           {@code uname -m} ({@code aarch64}, {@code armv7l})
     * @param dpkgArch       {@code dpkg --print-architecture} ({@code arm64}, {@code armhf}); may be null
     * @param memTotalKb     MemTotal from /proc/meminfo, 0 if unknown
     * @param memAvailableKb MemAvailable from /proc/meminfo (what can be given to new work without swapping),
     *                       0 if unknown
     * @param osId           os-release ID ({@code debian}, {@code raspbian}, {@code ubuntu})
     * @param osVersionId    os-release VERSION_ID ({@code 12})
     * @param osCodename     os-release VERSION_CODENAME ({@code bookworm})
     * @param kernelRelease  {@code uname -r}
     * @param rootSource     the device mounted at / ({@code /dev/mmcblk0p2}, {@code /dev/sda2})
     * @param bootDevice     {@code sd}, {@code usb}, {@code nvme} or {@code unknown}, derived from rootSource
     * @param throttled      {@code vcgencmd get_throttled} value as printed ({@code 0x50005}); null when
     *                       vcgencmd is missing or failed
     * @param temperatureC   {@code vcgencmd measure_temp} in °C; null when unknown
     * @param bootId         {@code /proc/sys/kernel/random/boot_id}
     * @param hostname       the content of /etc/hostname (trimmed)
     * @param kernelHostname {@code hostname} (the running kernel's name)
     * @param hostsName      the name on the {@code 127.0.1.1} line of /etc/hosts; null if there is no such line
     */
    public record Facts(String model, String arch, String dpkgArch, long memTotalKb, long memAvailableKb, String osId, String osVersionId,
                        String osCodename, String kernelRelease, String rootSource, String bootDevice,
                        String throttled, Double temperatureC, String bootId, String hostname,
                        String kernelHostname, String hostsName) {
        /** Whether the model says Raspberry Pi. */
        public boolean isRaspberryPi() {
            return model != null && model.contains("Raspberry Pi");
        }

        /** The throttled bits as a number, or -1 when unknown. */
        public long throttledBits() {
            if (throttled == null) {
                return -1;
            }
            try {
                return Long.decode(throttled.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /**
     * The kernel command line.
     *
     * @param path        where cmdline.txt is ({@code /boot/firmware/cmdline.txt} or {@code /boot/cmdline.txt});
     *                    null when neither is usable (e.g. only the Bookworm stub); then fileText is null and
     *                    fileTokens empty (running and controllers are read all the same)
     * @param fileText    the file's content as read
     * @param fileTokens  the tokens of its first line
     * @param running     the tokens of {@code /proc/cmdline} (the firmware's prefix included)
     * @param controllers the tokens of {@code /sys/fs/cgroup/cgroup.controllers}
     */
    public record Cmdline(String path, String fileText, List<String> fileTokens, List<String> running,
                          List<String> controllers) {
        public Cmdline {
            fileTokens = List.copyOf(fileTokens);
            running = List.copyOf(running);
            controllers = List.copyOf(controllers);
        }
    }

    /**
     * A systemd unit.
     *
     * @param unitExists  whether the unit file exists
     * @param activeState the unit's ActiveState, what {@code systemctl is-active} prints ({@code active},
     *                    {@code activating}, {@code inactive}, {@code failed}, ...); {@code unknown} when not reported
     */
    public record ServiceState(String name, boolean unitExists, String activeState) {
        public boolean active() {
            return activeState.equals("active");
        }
    }

    /**
     * Kubernetes objects from {@code k3s kubectl get ... -o json} on the server, each as Jackson-parsed maps
     * (the items of the List). {@code error} is set (and the lists empty) when kubectl failed, e.g. because
     * k3s is stopped. {@code k3sInstalled}: whether the server's k3s binary answered {@code k3s --version} (a
     * failed kubectl of a node without k3s is the plan's business, not trouble).
     */
    public record KubeSnapshot(List<Map<String, Object>> nodes, List<Map<String, Object>> storageClasses,
                               List<Map<String, Object>> persistentVolumes, List<Map<String, Object>> namespaces,
                               List<Map<String, Object>> networkPolicies, String error, boolean k3sInstalled) {
        public KubeSnapshot {
            nodes = List.copyOf(nodes);
            storageClasses = List.copyOf(storageClasses);
            persistentVolumes = List.copyOf(persistentVolumes);
            namespaces = List.copyOf(namespaces);
            networkPolicies = List.copyOf(networkPolicies);
        }

        /** A snapshot without namespaces or network policies. */
        public KubeSnapshot(List<Map<String, Object>> nodes, List<Map<String, Object>> storageClasses,
                            List<Map<String, Object>> persistentVolumes, String error, boolean k3sInstalled) {
            this(nodes, storageClasses, persistentVolumes, List.of(), List.of(), error, k3sInstalled);
        }

        /** A snapshot of a server whose k3s is installed. */
        public KubeSnapshot(List<Map<String, Object>> nodes, List<Map<String, Object>> storageClasses,
                            List<Map<String, Object>> persistentVolumes, String error) {
            this(nodes, storageClasses, persistentVolumes, error, true);
        }

        public boolean ok() {
            return error == null;
        }
    }
}
