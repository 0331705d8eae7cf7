package dev.pictl.probe;

import dev.pictl.nodetext.Shell;
import java.util.Objects;

/**
 * The one POSIX {@code sh} script that gathers everything a node's resources need, run as root in a single
 * command round trip. It prints one section per fact, each introduced by a marker line:
 *
 * <pre>
 * &#64;&#64;pictl-probe:model
 * Raspberry Pi 4 Model B Rev 1.4
 * &#64;&#64;pictl-probe:arch
 * aarch64
 * ...
 * &#64;&#64;pictl-probe:end
 * </pre>
 *
 * <p>A marker is always preceded by a newline of its own, so a section's text is exactly what lies between
 * {@code "marker\n"} and {@code "\n@@pictl-probe:next"} (a file without a final newline stays as it is).
 * Every command may fail on its own: its section is then empty (or, for kubectl, carries the exit status and
 * stderr), and the script still exits 0. Two sections appear only when their file exists ({@code k3s-config},
 * {@code cmdline-file}), so an absent file is told apart from an empty one.
 *
 * <p>Secrets: the output (never the script) carries the server's token — the token file's first line, which
 * the parser reduces to its password — and config.yaml, whose {@code token:} k3s reads. Both stay in the
 * observation, whose {@code toString} redacts them; stdout is never logged or quoted in a message.
 *
 * <p>Node-side conventions (docs/simulator.md): every file is {@code "${PICTL_ROOT:-}/path"} ({@code $R}
 * below; unset on a real Pi), tools are called by name, unit names and Kubernetes-side paths stay unprefixed.
 */
public final class ProbeScript {

    /** What starts every marker line. */
    public static final String MARKER = "@@pictl-probe:";

    /** The sections, in the order the script prints them; {@link #id} is the text after the marker. */
    public enum Section {
        MODEL("model"),
        ARCH("arch"),
        DPKG_ARCH("dpkg-arch"),
        MEMINFO("meminfo"),
        OS_RELEASE("os-release"),
        KERNEL("kernel"),
        ROOT_SOURCE("root-source"),
        THROTTLED("throttled"),
        TEMP("temp"),
        BOOT_ID("boot-id"),
        /** {@code state=}, {@code nologin=} and {@code pictl-reboot=} lines: is the board going down? */
        LIFECYCLE("lifecycle"),
        HOSTNAME("hostname"),
        KERNEL_HOSTNAME("kernel-hostname"),
        HOSTS("hosts"),
        CMDLINE_PATH("cmdline-path"),
        /** Only when {@code cmdline-path} names a file. */
        CMDLINE_FILE("cmdline-file"),
        PROC_CMDLINE("proc-cmdline"),
        CGROUP_CONTROLLERS("cgroup-controllers"),
        PACKAGES("packages"),
        UNITS("units"),
        K3S_VERSION("k3s-version"),
        /** Only when config.yaml exists. */
        K3S_CONFIG("k3s-config"),
        AGENT_ENV("agent-env"),
        /** Server only; a secret. */
        SERVER_TOKEN("server-token"),
        /** Server only: kubectl's JSON (stdout): one List per resource type, one after the other. */
        KUBE("kube"),
        /** Server only: kubectl's exit status on the first line, its stderr below. */
        KUBE_STATUS("kube-status"),
        /** Only when PV paths were asked for: one {@code absent|empty|data PATH} line per path. */
        PATHS("paths"),
        END("end");

        private final String id;

        Section(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** The section with this id, or null. */
        public static Section byId(String id) {
            for (Section s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Debian packages whose state the runtime resource needs. */
    static final String[] PACKAGES = {"docker.io", "docker-ce", "containerd.io"};

    /** systemd units whose state the runtime and k3s resources need. */
    static final String[] UNITS = {"docker", "k3s", "k3s-agent"};

    /** Each kubectl call gets its own limit so a hung API server costs the kube sections, not the whole probe. */
    public static final int KUBECTL_TIMEOUT_SECONDS = 20;

    // Facts every node gets. Each line prints one section; stderr is dropped where a failure just means
    // "unknown" (no vcgencmd on a non-Pi, no dpkg, no findmnt, ...).
    private static final String COMMON = """
            R="${PICTL_ROOT:-}"
            sec() { printf '\\n%s%s\\n' '@@pictl-probe:' "$1"; }
            sec model;              tr -d '\\000' <"$R/sys/firmware/devicetree/base/model" 2>/dev/null
            sec arch;               uname -m 2>/dev/null
            sec dpkg-arch;          dpkg --print-architecture 2>/dev/null
            sec meminfo;            grep -E '^(MemTotal|MemAvailable):' "$R/proc/meminfo" 2>/dev/null
            sec os-release;         grep -E '^(ID|VERSION_ID|VERSION_CODENAME)=' "$R/etc/os-release" 2>/dev/null
            sec kernel;             uname -r 2>/dev/null
            sec root-source;        findmnt -n -o SOURCE / 2>/dev/null
            sec throttled;          vcgencmd get_throttled 2>/dev/null
            sec temp;               vcgencmd measure_temp 2>/dev/null
            sec boot-id;            cat "$R/proc/sys/kernel/random/boot_id" 2>/dev/null
            # A board shutting down still answers for a while; pictl must not start a change on it.
            sec lifecycle;          printf 'state=%s\n' "$(systemctl is-system-running 2>/dev/null)"
                                    [ -e "$R/run/nologin" ] && echo nologin=yes
                                    p=; [ -f "$R/run/pictl/reboot" ] && read -r p <"$R/run/pictl/reboot"
                                    printf 'pictl-reboot=%s\n' "$p"
            sec hostname;           cat "$R/etc/hostname" 2>/dev/null
            sec kernel-hostname;    hostname 2>/dev/null
            sec hosts;              grep '^127\\.0\\.1\\.1[[:space:]]' "$R/etc/hosts" 2>/dev/null
            # cmdline.txt: Bookworm's /boot/firmware/cmdline.txt; else /boot/cmdline.txt unless it is
            # Bookworm's "has moved to /boot/firmware" stub; else none (never the stub).
            if [ -f "$R/boot/firmware/cmdline.txt" ]; then c=/boot/firmware/cmdline.txt
            elif [ -f "$R/boot/cmdline.txt" ] && ! grep -q 'has moved to /boot/firmware' "$R/boot/cmdline.txt"
            then c=/boot/cmdline.txt
            else c=
            fi
            sec cmdline-path;       printf '%s' "$c"
            [ -n "$c" ] && { sec cmdline-file; cat "$R$c" 2>/dev/null; }
            sec proc-cmdline;       cat "$R/proc/cmdline" 2>/dev/null
            sec cgroup-controllers; cat "$R/sys/fs/cgroup/cgroup.controllers" 2>/dev/null
            sec packages;           dpkg-query -W -f='${binary:Package} ${db:Status-Abbrev} ${Version}\\n' \\
                                    docker.io docker-ce containerd.io 2>/dev/null
            sec units
            for u in docker k3s k3s-agent; do
              printf '%s load=%s active=%s\\n' "$u" "$(systemctl show -p LoadState --value "$u" 2>/dev/null)" \\
                "$(systemctl is-active "$u" 2>/dev/null)"
            done
            sec k3s-version;        k3s --version 2>/dev/null | head -n 1
            k="$R/etc/rancher/k3s/config.yaml"
            [ -f "$k" ] && { sec k3s-config; cat "$k" 2>/dev/null; }
            sec agent-env;          grep '^K3S_URL=' "$R/etc/systemd/system/k3s-agent.service.env" 2>/dev/null
            """;

    // The server: its token (first line only; the parser keeps the password) and the API objects. kubectl's
    // JSON goes straight to stdout (fd 3) while its stderr is captured, so an error (k3s stopped) is kept
    // apart from the JSON with its exit status. One `get` per type, each a JSON List: the simulator's kubectl
    // reads only the first type of `get nodes,storageclasses,persistentvolumes` (a real one reads all three,
    // in one List; the parser takes either).
    private static final String SERVER = """
            sec server-token;       head -n 1 "$R/var/lib/rancher/k3s/server/token" 2>/dev/null
            sec kube
            { ke=$(for t in nodes storageclasses persistentvolumes; do
                     timeout %d k3s kubectl get "$t" -o json || exit
                   done 2>&1 >&3); kx=$?; } 3>&1
            sec kube-status;        printf '%%s\\n%%s' "$kx" "$ke"
            """.formatted(KUBECTL_TIMEOUT_SECONDS);

    private static final String END = """
            sec end
            exit 0
            """;

    private ProbeScript() {
    }

    /** The script for one node. */
    public static String build(ProbeRequest request) {
        Objects.requireNonNull(request, "request");
        StringBuilder sb = new StringBuilder(COMMON);
        if (request.server()) {
            sb.append(SERVER);
        }
        if (!request.pvPaths().isEmpty()) {
            sb.append("sec paths\n");
            sb.append("for p in");
            for (String p : request.pvPaths()) {
                sb.append(' ').append(Shell.quote(checkPath(p)));
            }
            sb.append("; do\n");
            sb.append("""
                      if [ ! -d "$R$p" ]; then printf 'absent %s\\n' "$p"
                      elif [ -n "$(ls -A "$R$p" 2>/dev/null)" ]; then printf 'data %s\\n' "$p"
                      else printf 'empty %s\\n' "$p"
                      fi
                    done
                    """);
        }
        sb.append(END);
        return sb.toString();
    }

    private static String checkPath(String path) {
        if (!path.startsWith("/") || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PV path must be absolute and on one line: " + path);
        }
        return path;
    }
}
