package dev.pictl.apply.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.cli.CliRunner;
import dev.pictl.engine.Version;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The seed cluster ({@code examples/seed/cluster.hcl}, unchanged) on four fresh simulated boards, with a work
 * directory for its description and state, and what a person would look at afterwards: the boards themselves
 * ({@link #nodeFacts()}) and the state file ({@link #stateFacts()}), both as sorted maps so two runs compare with
 * one {@code assertEquals} and a readable diff.
 *
 * <p>Boards listen on a loopback /24 and port chosen at random per test class: other suites (and people) run
 * simulators on {@code 127.0.1.10:2222} on the same machine, and a board that reboots gives its port up for a
 * moment; a foreign board answering there would look like a changed host key.
 */
final class SeedFleet implements AutoCloseable {
    static final List<String> NODES = List.of("pi-server-1", "pi-worker-1", "pi-worker-2", "pi-worker-3");
    static final Path SEED = Path.of("examples", "seed", "cluster.hcl");
    /** Flags for every apply of these tests: a hang becomes an error within a minute rather than ten. */
    static final String[] APPLY_FLAGS = {"--auto-approve", "--reboot-timeout", "60", "--k3s-start-timeout", "60"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBNET = "127.0." + ThreadLocalRandom.current().nextInt(100, 240) + ".";
    private static final int BASE_PORT = 20000 + ThreadLocalRandom.current().nextInt(0, 400) * 100;

    final SimCluster sim;
    final Path simDir;
    final Path work;
    /** Whether the description has a k3s server, whose cluster objects {@link #nodeFacts} then reads too. */
    private final boolean cluster;

    private SeedFleet(SimCluster sim, Path simDir, Path work, boolean cluster) {
        this.sim = sim;
        this.simDir = simDir;
        this.work = work;
        this.cluster = cluster;
    }

    /**
     * How much of its delay the reboot timer ({@code systemd-run --on-active=2}) waits on these boards, in percent,
     * where a test needs only the order of events: 10 % fires it after 0.2 s instead of 2 s (ClusterSpec#timerPercent).
     */
    static final int QUICK_TIMERS = 10;

    /**
     * Four fresh boards (hostname {@code raspberrypi}, nothing installed) under {@code dir}, on the next port of the
     * range (a new port per fleet: no wait for an earlier fleet's sockets, none shared with a concurrent one),
     * short reboots with a quick reboot timer ({@link #QUICK_TIMERS}).
     */
    static SeedFleet start(Path dir) throws IOException {
        return start(dir, Files.readString(SEED), 300, QUICK_TIMERS);
    }

    /** The next port of the range: fleets of every class in this JVM, concurrent ones too, get one each. */
    private static final java.util.concurrent.atomic.AtomicInteger SLOTS = new java.util.concurrent.atomic.AtomicInteger();

    /** As {@link #start(Path)}, with another description of the same four boards. */
    static SeedFleet start(Path dir, String description) throws IOException {
        return start(dir, description, 300);
    }

    /** As {@link #start(Path, String)}, with boards that stay down this long when they reboot. */
    static SeedFleet start(Path dir, String description, long rebootDelayMillis) throws IOException {
        return start(dir, description, rebootDelayMillis, 100);
    }

    /**
     * As {@link #start(Path, String, long)}, with the boards' timers (the reboot pictl schedules 2 s out) firing
     * after {@code timerPercent} % of their delay.
     */
    static SeedFleet start(Path dir, String description, long rebootDelayMillis, int timerPercent) throws IOException {
        int port = BASE_PORT + SLOTS.getAndIncrement();
        List<NodeSpec> boards = new java.util.ArrayList<>();
        for (int i = 0; i < NODES.size(); i++) {
            boards.add(NodeSpec.of(NODES.get(i), SUBNET + (10 + i), port).withAdvertisedAddress("192.168.1." + (10 + i)));
        }
        ClusterSpec spec = ClusterSpec.of(boards).withRebootDelayMillis(rebootDelayMillis).withK3sStartDelayMillis(100)
                .withK3sRestartMillis(300).withTimerPercent(timerPercent);
        Path simDir = dir.resolve("sim");
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        Files.writeString(work.resolve("cluster.hcl"), description);
        return new SeedFleet(SimCluster.start(spec, simDir), simDir, work, description.contains("k3s_server"));
    }

    Path statePath() {
        return work.resolve(StateStore.DEFAULT_FILE_NAME);
    }

    StateStore store() {
        return StateStore.at(statePath(), Version.current());
    }

    /** {@code pictl apply} of the seed in a JVM of its own. */
    ChildPictl spawnApply() throws IOException {
        return ChildPictl.start(work, applyArgs());
    }

    /** As {@link #spawnApply}, with SIGINT at its default (a test run in the background may have it ignored). */
    ChildPictl spawnInterruptibleApply() throws IOException {
        return ChildPictl.startInterruptible(work, applyArgs());
    }

    /** As {@link #spawnInterruptibleApply}, without --auto-approve: it stops at the approval prompt. */
    ChildPictl spawnPromptingApply() throws IOException {
        return ChildPictl.startInterruptible(work, java.util.Arrays.stream(applyArgs())
                .filter(a -> !a.equals("--auto-approve")).toArray(String[]::new));
    }

    String[] applyArgs() {
        List<String> a = new java.util.ArrayList<>(List.of("apply", "-c", work.toString(), "--sim=" + simDir));
        a.addAll(List.of(APPLY_FLAGS));
        return a.toArray(String[]::new);
    }

    /** {@code pictl apply} of the seed through the real CLI in this JVM (a fresh run: it reads everything anew). */
    CliRunner.Result apply() {
        return CliRunner.run(work, env(), applyArgs());
    }

    /** {@code pictl plan --detailed-exitcode} through the real CLI in this JVM. */
    CliRunner.Result planDetailed() {
        return CliRunner.run(work, env(), "plan", "-c", work.toString(), "--sim=" + simDir,
                "--detailed-exitcode", "--no-color");
    }

    private Map<String, String> env() {
        return Map.of("HOME", work.toString(), "NO_COLOR", "1", "USER", System.getProperty("user.name", "pi"));
    }

    // ------------------------------------------------------------------ what a person would check

    /** Facts read on each board (node side, no SSH), for every node, and the cluster's objects through the server. */
    Map<String, String> nodeFacts() {
        Map<String, String> facts = new TreeMap<>();
        for (String n : NODES) {
            ExecResult r = sim.node(n).exec(NODE_FACTS);
            if (r.exitCode() != 0) {
                throw new AssertionError(n + ": facts script exited " + r.exitCode() + ": " + r.stderr());
            }
            for (String line : r.stdout().split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    facts.put(n + " " + line.substring(0, eq), normalise(line.substring(eq + 1)));
                }
            }
        }
        if (!cluster) {
            return facts;
        }
        SimNode server = sim.node("pi-server-1");
        JsonNode nodes = kubectl(server, "get nodes -o json");
        for (JsonNode item : nodes.path("items")) {
            String name = item.path("metadata").path("name").asText();
            String ready = "?";
            for (JsonNode c : item.path("status").path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                    ready = c.path("status").asText();
                }
            }
            facts.put("cluster node " + name, "Ready=" + ready + " unschedulable=" + item.path("spec")
                    .path("unschedulable").asBoolean(false) + " kubelet=" + item.path("status").path("nodeInfo")
                    .path("kubeletVersion").asText() + " runtime=" + item.path("status").path("nodeInfo")
                    .path("containerRuntimeVersion").asText().replaceAll("://.*", ""));
        }
        for (JsonNode item : kubectl(server, "get storageclasses -o json").path("items")) {
            String name = item.path("metadata").path("name").asText();
            facts.put("cluster storageclass " + name, item.path("provisioner").asText() + " "
                    + item.path("volumeBindingMode").asText() + " reclaim=" + item.path("reclaimPolicy").asText()
                    + " expansion=" + item.path("allowVolumeExpansion").asBoolean(false));
        }
        for (JsonNode item : kubectl(server, "get persistentvolumes -o json").path("items")) {
            String name = item.path("metadata").path("name").asText();
            JsonNode spec = item.path("spec");
            facts.put("cluster pv " + name, spec.path("capacity").toString() + " " + spec.path("accessModes")
                    + " " + spec.path("persistentVolumeReclaimPolicy").asText() + " sc=" + spec.path("storageClassName")
                    .asText() + " local=" + spec.path("local").toString() + " affinity=" + spec.path("nodeAffinity")
                    + " phase=" + item.path("status").path("phase").asText());
        }
        return facts;
    }

    private static JsonNode kubectl(SimNode server, String args) {
        ExecResult r = server.sudo("kubectl " + args);
        if (r.exitCode() != 0) {
            throw new AssertionError("pi-server-1: kubectl " + args + " exited " + r.exitCode() + ": " + r.stderr());
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Board-specific noise out (the partition UUID and MAC address differ per fresh board), everything else kept. */
    private String normalise(String v) {
        return v.replace(simDir.toString(), "<sim>").replaceAll("PARTUUID=[0-9a-fA-F]+-", "PARTUUID=X-").replaceAll("macaddr=\\S+", "macaddr=X");
    }

    /**
     * One line {@code key=value} per fact. {@code cmdline.txt} whole (a duplicated or lost token shows), and the
     * backups pictl keeps beside it ({@code .pictl-orig} must stay the board's original line, whatever was killed).
     */
    private static final String NODE_FACTS = """
            R="${PICTL_ROOT:-}"
            oneline() { tr '\\n' '|' ; }
            echo "hostname=$(hostname)"
            echo "etc/hostname=$(cat "$R/etc/hostname")"
            echo "etc/hosts 127.0.1.1=$(grep '^127\\.0\\.1\\.1' "$R/etc/hosts" | tr -s ' \\t' ' ' | oneline)"
            echo "cmdline.txt=$(oneline < "$R/boot/firmware/cmdline.txt")"
            echo "cmdline.txt.pictl-orig=$(oneline < "$R/boot/firmware/cmdline.txt.pictl-orig" 2>&1)"
            echo "proc/cmdline=$(cat "$R/proc/cmdline")"
            echo "cgroup.controllers=$(cat "$R/sys/fs/cgroup/cgroup.controllers")"
            echo "dpkg docker.io=$(dpkg-query -W -f='${Status} ${Version}' docker.io 2>&1)"
            for u in docker k3s k3s-agent; do
              echo "unit $u=$(systemctl is-active $u 2>&1) $(systemctl is-enabled $u 2>&1)"
            done
            echo "k3s --version=$(k3s --version 2>&1 | head -n 1)"
            echo "k3s config.yaml=$(grep -v '^"\\?token"\\?:' "$R/etc/rancher/k3s/config.yaml" 2>&1 | oneline)"
            echo "k3s token in config.yaml=$(grep -c '^"\\?token"\\?:' "$R/etc/rancher/k3s/config.yaml" 2>/dev/null)"
            echo "/mnt/local-storage=$(if [ -d "$R/mnt/local-storage" ]; then echo directory; else echo absent; fi)"
            echo "tmp files=$(ls -a "$R/tmp" | grep -c pictl)"
            """;

    /**
     * The state as addresses and what matters of each entry: status, node, dependencies, attributes, the names of
     * its sensitive hashes. Not the serial, lineage, fingerprints or the hashes' values (the key is per work dir).
     */
    Map<String, String> stateFacts() throws StateException {
        State s = store().read();
        Map<String, String> facts = new TreeMap<>();
        for (ResourceState r : s.resources()) {
            facts.put(r.address().toString(), r.status() + " node=" + r.node() + " deps=" + r.dependencies()
                    + " attrs=" + json(r.attributes()) + " sensitive=" + new java.util.TreeSet<>(r.sensitiveHashes().keySet()));
        }
        return facts;
    }

    private static String json(Object o) {
        try {
            return JSON.writer().with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Temporary files of the state writer left in the work directory (a kill between create and rename). */
    List<String> leftoverTempFiles() throws IOException {
        try (var s = Files.list(work)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".tmp")).sorted().toList();
        }
    }

    @Override
    public void close() {
        sim.close();
    }
}
