package dev.pictl.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A simulated cluster: its boards and the simulator's timings. Stored as {@code cluster.json} in a daemon's
 * state directory (see {@link #read}/{@link #write}).
 *
 * @param nodes               the boards
 * @param rebootDelayMillis   how long a rebooting board is down
 * @param k3sStartDelayMillis how long a k3s unit stays "activating" before it is up (or fails)
 * @param k3sRestartMillis    systemd's RestartSec for the k3s units (the real unit says 5 s)
 * @param controlPort         the simulator's loopback control port (0 = any free port)
 * @param k3sStableVersion    what the install script's "stable" channel resolves to
 * @param shutdownMillis      how long a board takes to shut down before a reboot or power-off takes it down: SSH
 *                            still answers, {@code systemctl is-system-running} says {@code stopping} and
 *                            {@code /run/nologin} exists (0 or less in a stored spec: the default, 300 ms)
 * @param timerPercent        how much of its delay a timer on a board ({@code systemd-run --on-active=...}) waits
 *                            before it fires, in percent: 100 (the default, also for 0 or less in a stored spec) is
 *                            the delay asked for; tests that only need the order of events use less
 */
public record ClusterSpec(List<NodeSpec> nodes, long rebootDelayMillis, long k3sStartDelayMillis, long k3sRestartMillis,
                          int controlPort, String k3sStableVersion, long shutdownMillis, int timerPercent) {

    public static final String DEFAULT_K3S = "v1.31.4+k3s1";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ClusterSpec {
        nodes = List.copyOf(nodes == null ? List.of() : nodes);
        Set<String> names = new HashSet<>(), endpoints = new HashSet<>(), lan = new HashSet<>();
        for (NodeSpec n : nodes) {
            if (!names.add(n.name())) throw new IllegalArgumentException("duplicate node name " + n.name());
            if (!endpoints.add(n.address() + ":" + n.port())) throw new IllegalArgumentException("duplicate address " + n.address() + ":" + n.port());
            // A server URL or node-ip names one board: two boards may share a loopback address (on other ports)
            // only while neither advertises an address of its own.
            if (n.advertisedAddress() != null && !lan.add(n.advertisedAddress())) {
                throw new IllegalArgumentException("duplicate advertised address " + n.advertisedAddress());
            }
        }
        for (NodeSpec n : nodes) {
            for (NodeSpec o : nodes) {
                if (n != o && n.advertisedAddress() != null && n.advertisedAddress().equals(o.address())) {
                    throw new IllegalArgumentException(n.name() + ": advertised address " + n.advertisedAddress()
                            + " is the loopback address of " + o.name());
                }
            }
        }
        rebootDelayMillis = rebootDelayMillis < 0 ? 1500 : rebootDelayMillis;
        k3sStartDelayMillis = k3sStartDelayMillis < 0 ? 200 : k3sStartDelayMillis;
        k3sRestartMillis = k3sRestartMillis <= 0 ? 5000 : k3sRestartMillis;
        k3sStableVersion = k3sStableVersion == null ? DEFAULT_K3S : k3sStableVersion;
        shutdownMillis = shutdownMillis <= 0 ? 300 : shutdownMillis;
        timerPercent = timerPercent <= 0 ? 100 : timerPercent;
    }

    public static ClusterSpec of(List<NodeSpec> nodes) { return new ClusterSpec(nodes, -1, -1, 0, 0, null, 0, 0); }

    /**
     * {@code count} fresh boards named {@code prefix-1..n} on 127.0.1.10, 127.0.1.11, ... (wrapping into
     * 127.0.2.x and on after 240), all on {@code port}.
     */
    public static ClusterSpec generate(int count, String prefix, int port) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(NodeSpec.of(prefix + "-" + (i + 1), "127.0." + (1 + i / 240) + "." + (10 + i % 240), port));
        }
        return of(nodes);
    }

    public ClusterSpec withNodes(List<NodeSpec> n) { return new ClusterSpec(n, rebootDelayMillis, k3sStartDelayMillis, k3sRestartMillis, controlPort, k3sStableVersion, shutdownMillis, timerPercent); }
    public ClusterSpec withRebootDelayMillis(long v) { return new ClusterSpec(nodes, v, k3sStartDelayMillis, k3sRestartMillis, controlPort, k3sStableVersion, shutdownMillis, timerPercent); }
    public ClusterSpec withK3sStartDelayMillis(long v) { return new ClusterSpec(nodes, rebootDelayMillis, v, k3sRestartMillis, controlPort, k3sStableVersion, shutdownMillis, timerPercent); }
    public ClusterSpec withK3sRestartMillis(long v) { return new ClusterSpec(nodes, rebootDelayMillis, k3sStartDelayMillis, v, controlPort, k3sStableVersion, shutdownMillis, timerPercent); }
    public ClusterSpec withControlPort(int v) { return new ClusterSpec(nodes, rebootDelayMillis, k3sStartDelayMillis, k3sRestartMillis, v, k3sStableVersion, shutdownMillis, timerPercent); }
    public ClusterSpec withShutdownMillis(long v) { return new ClusterSpec(nodes, rebootDelayMillis, k3sStartDelayMillis, k3sRestartMillis, controlPort, k3sStableVersion, v, timerPercent); }
    public ClusterSpec withTimerPercent(int v) { return new ClusterSpec(nodes, rebootDelayMillis, k3sStartDelayMillis, k3sRestartMillis, controlPort, k3sStableVersion, shutdownMillis, v); }

    /** The largest cluster.json read: a simulated fleet of a thousand boards takes well under 1 MB. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    /**
     * Reads a cluster.json: a regular file of at most {@link #MAX_BYTES} (a FIFO, a device or a huge file named by
     * {@code --sim=DIR} is refused, never read until it ends).
     */
    public static ClusterSpec read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + " is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
        }
        return MAPPER.readValue(Files.readAllBytes(file), ClusterSpec.class);
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, MAPPER.writeValueAsString(this));
    }
}
