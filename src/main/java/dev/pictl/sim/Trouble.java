package dev.pictl.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The faults behind a NotReady node that {@code pictl diagnose} must tell apart (docs/simulator.md, "Faults"): a
 * board's clock off, a full disk, an expired server certificate, a network cut between two boards, an image that
 * cannot be pulled, and the server's k3s stopped. Each writes what a real board would show: the journal lines of
 * the k3s process (the strings of day2-facts.md §6), the Node's conditions, {@code date}, {@code df} and what
 * {@code curl https://SERVER:6443/cacerts} gets. Hardware-like state lives in the board's {@code hw/} files (read
 * by the stand-ins); network cuts live here.
 */
final class Trouble {
    /** k3s's hard-eviction threshold {@code nodefs.available<5%}: from this used share on, DiskPressure. */
    static final int DISK_PRESSURE_PERCENT = 96;
    static final int DEFAULT_DISK_PERCENT = 15;
    private static final DateTimeFormatter KLOG = DateTimeFormatter.ofPattern("MMdd HH:mm:ss.SSSSSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final SimCluster cluster;
    /** Cut links, as "a|b" with a &lt; b. */
    private final Set<String> cuts = ConcurrentHashMap.newKeySet();

    Trouble(SimCluster cluster) {
        this.cluster = cluster;
    }

    // ------------------------------------------------------------------ state

    private static Path hw(SimNode n, String file) {
        return n.dir().resolve("hw").resolve(file);
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    static long clockOffset(SimNode n) {
        String s = read(hw(n, "clock-offset"));
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int diskPercent(SimNode n) {
        String s = read(hw(n, "disk-used-percent"));
        try {
            return s == null ? DEFAULT_DISK_PERCENT : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return DEFAULT_DISK_PERCENT;
        }
    }

    /** When the server's serving certificate expired (fault {@code cert-expired}), or null. */
    static Instant certExpiredAt(SimNode server) {
        String s = read(hw(server, "cert-expired"));
        return s == null ? null : Instant.parse(s);
    }

    /** When the server's certificates were made: its CA, written at its first start. */
    private static Instant certIssuedAt(SimNode server) {
        try {
            return Files.getLastModifiedTime(server.root().resolve("var/lib/rancher/k3s/server/tls/server-ca.hash")).toInstant()
                    .truncatedTo(ChronoUnit.SECONDS);
        } catch (IOException e) {
            return null;
        }
    }

    private static String key(SimNode a, SimNode b) {
        return a.name().compareTo(b.name()) < 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
    }

    boolean isCut(SimNode a, SimNode b) {
        return a != null && b != null && cuts.contains(key(a, b));
    }

    /** The server an agent's running k3s-agent joined, or null. */
    private SimNode joinedServer(SimNode agent) {
        Units.Unit x = agent.units.snapshot("k3s-agent.service");
        if (x == null) return null;
        synchronized (agent.units) {
            return x.state == Units.State.ACTIVE && x.joinedServer != null ? cluster.node(x.joinedServer) : null;
        }
    }

    /** The agent's clock is so far behind that the server's certificates are not valid yet from where it stands. */
    private static boolean clockBeforeCerts(SimNode agent, SimNode server) {
        long off = clockOffset(agent);
        Instant issued = certIssuedAt(server);
        return off < 0 && issued != null && Instant.now().plusSeconds(off).isBefore(issued);
    }

    /** A running agent whose kubelet cannot talk to its server: cut off, the server's certificate expired, or its clock behind. */
    boolean kubeletBlocked(SimNode agent) {
        SimNode server = joinedServer(agent);
        if (server == null) return false;
        return isCut(agent, server) || certExpiredAt(server) != null || clockBeforeCerts(agent, server);
    }

    boolean diskPressure(SimNode n) {
        return diskPercent(n) >= DISK_PRESSURE_PERCENT;
    }

    boolean memoryPressure(SimNode n) {
        return Files.exists(hw(n, "memory-pressure"));
    }

    // ----------------------------------------------------------------- faults

    /** {@code clock SECONDS}: the board's clock runs SECONDS ahead (negative: behind). */
    void setClock(SimNode n, long seconds) throws IOException {
        Files.writeString(hw(n, "clock-offset"), Long.toString(seconds));
        SimNode server = joinedServer(n);
        if (server != null && clockBeforeCerts(n, server)) {
            Instant issued = certIssuedAt(server);
            String x509 = "x509: certificate has expired or is not yet valid: current time "
                    + Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS) + " is before " + issued;
            agentLost(n, server, "tls: failed to verify certificate: " + x509);
        }
    }

    /** {@code disk PERCENT}: the root filesystem is PERCENT full ({@code disk-full}: 97). */
    void setDisk(SimNode n, int percent) throws IOException {
        Files.writeString(hw(n, "disk-used-percent"), Integer.toString(percent));
        if (percent >= DISK_PRESSURE_PERCENT) {
            String unit = k3sUnit(n);
            if (unit != null) {
                log(n, unit, klog('I', "eviction_manager.go:369", "\"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\""));
                log(n, unit, klog('I', "eviction_manager.go:380", "\"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"ephemeral-storage\""));
            }
        }
    }

    /**
     * {@code memory-pressure [true|false]}: the kubelet's {@code memory.available} threshold is crossed, so the Node
     * reports MemoryPressure and the eviction manager reclaims memory (k3s sets no such threshold by default: this is
     * a board whose {@code kubelet-arg} sets one, day2-facts §6.2).
     */
    void setMemoryPressure(SimNode n, boolean on) throws IOException {
        if (!on) {
            Files.deleteIfExists(hw(n, "memory-pressure"));
            return;
        }
        Files.writeString(hw(n, "memory-pressure"), "1");
        String unit = k3sUnit(n);
        if (unit != null) {
            log(n, unit, klog('I', "eviction_manager.go:369", "\"Eviction manager: attempting to reclaim\" resourceName=\"memory\""));
            log(n, unit, klog('I', "eviction_manager.go:380", "\"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"memory\""));
        }
    }

    /**
     * {@code sd-errors}: a failing SD card, as the kernel logs it (day2-facts §5.4): an mmc timeout, the block layer's
     * I/O errors and ext4's, appended to this boot's kernel log (what {@code dmesg} prints) until the next boot.
     */
    void sdCardErrors(SimNode n) throws IOException {
        double t = n.uptimeSeconds();
        String[] lines = {
            "mmc0: Timeout waiting for hardware interrupt.",
            "mmcblk0: error -110 sending stop command, original cmd response 0x900, card status 0x400e00",
            "I/O error, dev mmcblk0, sector 4196352 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2",
            "Buffer I/O error on dev mmcblk0p2, logical block 524288, lost async page write",
            "EXT4-fs error (device mmcblk0p2): ext4_find_entry:1683: inode #2: comm k3s: reading directory lblock 0",
        };
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            b.append(String.format(Locale.ROOT, "[%5d.%06d] ", (long) t, (long) ((t - Math.floor(t)) * 1_000_000) + i * 37)).append(lines[i]).append('\n');
        }
        Files.writeString(hw(n, "dmesg"), b.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** {@code kernel-log TEXT}: one line in this boot's kernel log (what {@code dmesg} prints), with its timestamp. */
    void kernelLog(SimNode n, String text) throws IOException {
        double t = n.uptimeSeconds();
        String line = String.format(Locale.ROOT, "[%5d.%06d] ", (long) t, (long) ((t - Math.floor(t)) * 1_000_000))
                + text.replace("\n", " ") + "\n";
        Files.writeString(hw(n, "dmesg"), line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * {@code flannel-fail}: flannel cannot bring up its VXLAN network on the board (e.g. no {@code vxlan} module), so
     * pod sandboxes fail for want of {@code /run/flannel/subnet.env}: the kubelet's CNI error (day2-facts §6.5, the
     * full text as the flannel CNI plugin writes it) and k3s's own {@code flannel exited: failed to register flannel
     * network: ...} (k3s pkg/agent/flannel/setup.go and flannel.go). The real k3s exits after that line and systemd
     * restarts it; here the unit keeps running.
     */
    void flannelFailure(SimNode n) {
        String unit = k3sUnit(n);
        if (unit == null) return;
        String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        log(n, unit, "time=\"" + t + "\" level=error msg=\"flannel exited: failed to register flannel network: operation not supported\"");
        log(n, unit, klog('E', "kuberuntime_sandbox.go:72", "\"Failed to create sandbox for pod\" err=\"rpc error: code = Unknown desc = "
                + "failed to setup network for sandbox \\\"5f3c2a9e\\\": plugin type=\\\"flannel\\\" failed (add): failed to load flannel "
                + "'subnet.env' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod log for this node.\" "
                + "pod=\"default/web-0\""));
    }

    /** {@code cert-expired} on a server: its serving certificate expired a day ago and k3s has not restarted since. */
    void expireCert(SimNode server) throws IOException {
        Instant notAfter = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(hw(server, "cert-expired"), notAfter.toString());
        K3sCerts.setExpiry(server.root(), -1, null);
        for (SimNode agent : agentsOf(server)) {
            agentLost(agent, server, "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time "
                    + Instant.now().plusSeconds(clockOffset(agent)).truncatedTo(ChronoUnit.SECONDS) + " is after " + notAfter);
        }
    }

    /** k3s renews expired certificates when it starts (day2-facts §3.1). */
    void certificatesRenewedAtStart(SimNode server) throws IOException {
        Files.deleteIfExists(hw(server, "cert-expired"));
        K3sCerts.atStart(server.root(), true);
    }

    /** {@code cut OTHER}: no packet passes between the two boards (both still answer pictl). */
    void cut(SimNode a, SimNode b) {
        cuts.add(key(a, b));
        for (SimNode[] p : new SimNode[][] {{a, b}, {b, a}}) {
            if (joinedServer(p[0]) == p[1]) agentLost(p[0], p[1], "dial tcp " + endpoint(p[1]) + ": i/o timeout");
        }
    }

    void uncut(SimNode a, SimNode b) {
        if (b == null) cuts.removeIf(k -> k.startsWith(a.name() + "|") || k.endsWith("|" + a.name()));
        else cuts.remove(key(a, b));
    }

    /** {@code image-pull-fail IMAGE}: the kubelet on the board fails to pull IMAGE. */
    void imagePullFailure(SimNode n, String image) {
        String unit = k3sUnit(n);
        if (unit == null) return;
        Units.Unit x = n.units.snapshot(unit);
        boolean docker = x != null && x.registration != null && x.registration.runtime != null
                && x.registration.runtime.startsWith("docker://");
        String ref = image.contains("/") ? image : "docker.io/library/" + image;
        String cause = docker
                ? "rpc error: code = Unknown desc = Error response from daemon: manifest for " + image + " not found: manifest unknown: manifest unknown"
                : "rpc error: code = NotFound desc = failed to pull and unpack image \\\"" + ref + "\\\": failed to resolve reference \\\""
                  + ref + "\\\": " + ref + ": not found";
        log(n, unit, klog('E', "remote_image.go:180", "\"PullImage from image service failed\" err=\"" + cause + "\" image=\"" + image + "\""));
        log(n, unit, klog('E', "kuberuntime_manager.go:1256", "\"Unhandled Error\" err=\"container app start failed in pod web-0_default: ErrImagePull: "
                + cause.replace("\\\"", "'") + "\""));
    }

    /** The server's k3s stopped: every agent that joined it loses its tunnel (connection refused). */
    void serverStopped(SimNode server) {
        for (SimNode agent : agentsOf(server)) agentLost(agent, server, "dial tcp " + endpoint(server) + ": connect: connection refused");
    }

    void clear(SimNode n) throws IOException {
        for (String f : List.of("clock-offset", "disk-used-percent", "cert-expired", "memory-pressure")) Files.deleteIfExists(hw(n, f));
        uncut(n, null);
    }

    // ----------------------------------------------------------- net-connect

    /**
     * {@code net-connect HOST PORT [TIMEOUT_MS]} from a board's {@code curl}: 0 when something listens (a running
     * k3s server on its API port), 7 refused, 28 timed out (board down, unreachable or cut off), 6 unknown name.
     */
    int netConnect(SimNode from, List<String> args, ControlServer.Reply reply) {
        if (args.size() < 2) {
            reply.err("pictl-sim: net-connect HOST PORT\n");
            return 2;
        }
        String host = args.get(0);
        int port;
        try {
            port = Integer.parseInt(args.get(1));
        } catch (NumberFormatException e) {
            return 3;
        }
        SimNode to = cluster.resolve(host);
        if (to == null) return host.matches("[0-9.]+|.*:.*") ? 28 : 6;
        if (!to.isReachable() || isCut(from, to)) return 28;
        if (to.units.state("k3s.service") == Units.State.ACTIVE) {
            var api = cluster.kubeApi(to, false);
            if (api != null && api.listenPort() == port) return 0;
        }
        return 7;
    }

    // --------------------------------------------------------------- helpers

    private List<SimNode> agentsOf(SimNode server) {
        return cluster.nodes().stream().filter(n -> n != server && joinedServer(n) == server).toList();
    }

    private static String endpoint(SimNode server) {
        var api = server.cluster().kubeApi(server, false);
        return server.advertisedAddress() + ":" + (api == null ? 6443 : api.listenPort());
    }

    /** The lines of an agent whose websocket tunnel to the server broke, as k3s logs them (day2-facts §6.4). */
    private static void agentLost(SimNode agent, SimNode server, String error) {
        String ep = endpoint(server);
        String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String e = error.replace("\"", "\\\"");
        log(agent, "k3s-agent.service", "time=\"" + t + "\" level=error msg=\"Remotedialer proxy error; reconnecting...\" error=\""
                + e + "\" url=\"wss://" + ep + "/v1-k3s/connect\"");
        log(agent, "k3s-agent.service", "time=\"" + t + "\" level=info msg=\"Connecting to proxy\" url=\"wss://" + ep + "/v1-k3s/connect\"");
        log(agent, "k3s-agent.service", "time=\"" + t + "\" level=error msg=\"Failed to connect to proxy. Empty dialer response\" error=\""
                + e + "\"");
    }

    private static String k3sUnit(SimNode n) {
        for (String u : List.of("k3s.service", "k3s-agent.service")) if (n.units.state(u) != Units.State.INACTIVE) return u;
        return null;
    }

    private static void log(SimNode n, String unit, String line) {
        Units.Unit x = n.units.snapshot(unit);
        n.units.log(unit, "k3s", x == null ? 1 : x.pid, line);
    }

    /** A klog line as the kubelet inside k3s writes it: {@code E1207 18:40:01.123456    2345 file.go:123] msg}. */
    private static String klog(char level, String where, String msg) {
        return level + KLOG.format(Instant.now()) + "    " + (2000 + (int) (ProcessHandle.current().pid() % 5000)) + " " + where + "] " + msg;
    }
}
