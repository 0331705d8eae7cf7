package dev.pictl.probe;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one probe round trip found on a node. Fields are null when the node does not have the thing
 * (no cmdline.txt found, k3s not installed, not the server, ...). Secrets read from the node (the server's
 * token) are held only in memory and never printed: {@link #toString()} redacts them.
 *
 * @param node     the node's name in the description
 * @param facts    hardware and OS facts
 * @param cmdline  cmdline.txt and the running kernel's command line
 * @param packages Debian packages of interest by name ({@code docker.io}, {@code docker-ce}, {@code containerd.io})
 * @param services systemd units of interest by name ({@code docker}, {@code k3s}, {@code k3s-agent})
 * @param k3s      the k3s installation, or null when no k3s binary is installed
 * @param kube     the Kubernetes objects as the server's kubectl shows them; null unless this node was probed
 *                 as the server
 * @param paths    directories asked about (PV paths on this node), by absolute path
 * @param lifecycle whether the board is running or shutting down, and a reboot pictl scheduled in this boot
 */
public record NodeObservation(String node, Facts facts, Cmdline cmdline, Map<String, PackageState> packages,
                              Map<String, ServiceState> services, K3sInstall k3s, KubeSnapshot kube,
                              Map<String, PathState> paths, Lifecycle lifecycle) {
    public NodeObservation {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(facts, "facts");
        packages = Map.copyOf(packages);
        services = Map.copyOf(services);
        paths = Map.copyOf(paths);
        lifecycle = lifecycle == null ? Lifecycle.RUNNING : lifecycle;
    }

    /** An observation of a running board with no reboot pending. */
    public NodeObservation(String node, Facts facts, Cmdline cmdline, Map<String, PackageState> packages,
                           Map<String, ServiceState> services, K3sInstall k3s, KubeSnapshot kube,
                           Map<String, PathState> paths) {
        this(node, facts, cmdline, packages, services, k3s, kube, paths, Lifecycle.RUNNING);
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
     * A Debian package as dpkg-query shows it.
     *
     * @param status {@code db:Status-Abbrev} trimmed ({@code ii} installed, {@code rc} removed with config), or
     *               {@code not-installed}
     */
    public record PackageState(String name, String status, String version) {
        public boolean installed() {
            return status.equals("ii");
        }
    }

    /**
     * A systemd unit.
     *
     * @param unitExists  whether the unit file exists
     * @param activeState {@code systemctl is-active} output ({@code active}, {@code activating}, {@code inactive},
     *                    {@code failed}, ...); {@code unknown} when not reported
     */
    public record ServiceState(String name, boolean unitExists, String activeState) {
        public boolean active() {
            return activeState.equals("active");
        }
    }

    /**
     * The k3s installation on a node.
     *
     * @param version         from {@code k3s --version}, e.g. {@code v1.31.4+k3s1}; null if the binary is missing
     * @param configYaml      {@code /etc/rancher/k3s/config.yaml}, null if absent
     * @param serverPassword  the password part of the server's {@code /var/lib/rancher/k3s/server/token}
     *                        ({@code K10<hash>::server:<password>}); null unless a server token exists. Secret.
     * @param agentUrl        {@code K3S_URL} from the agent's env file, or null
     */
    public record K3sInstall(String version, String configYaml, String serverPassword, String agentUrl) {
        @Override
        public String toString() {
            return "K3sInstall[version=" + version + ", configYaml=" + (configYaml == null ? null : "...")
                    + ", serverPassword=" + (serverPassword == null ? null : "(sensitive)") + ", agentUrl=" + agentUrl + "]";
        }
    }

    /**
     * Kubernetes objects from {@code k3s kubectl get ... -o json} on the server, each as Jackson-parsed maps
     * (the items of the List). {@code error} is set (and the lists empty) when kubectl failed, e.g. because
     * k3s is stopped.
     */
    public record KubeSnapshot(List<Map<String, Object>> nodes, List<Map<String, Object>> storageClasses,
                               List<Map<String, Object>> persistentVolumes, String error) {
        public KubeSnapshot {
            nodes = List.copyOf(nodes);
            storageClasses = List.copyOf(storageClasses);
            persistentVolumes = List.copyOf(persistentVolumes);
        }

        public boolean ok() {
            return error == null;
        }
    }

    /** A directory on the node: whether it exists and whether it holds anything. */
    public record PathState(boolean exists, boolean hasData) {
    }
}
