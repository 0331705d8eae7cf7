package dev.pictl.apply.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * End-to-end fixture: a cluster description in a work directory, a simulated fleet whose boards advertise the
 * description's addresses, and the real CLI run in-process ({@code pictl apply -c cluster.hcl --sim=sim
 * --no-color ...}) with the work directory as its current directory.
 *
 * <p>Every check of an outcome reads the boards themselves ({@link #exec}, {@link #sudo}, the server's
 * {@code k3s kubectl}, {@code dpkg-query}, the simulator's event log), never pictl's own report.
 */
final class E2e implements AutoCloseable {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VERSION = "v1.31.4+k3s1";
    static final String OLD = "v1.30.6+k3s1";
    static final String TOKEN = "e2e-t0ken-NEVER-printed-51f0aa";
    static final String STATE_KEY = "f531d0f806d03e7e84b6c5493bd17027730acc73ccd9d350cc886f57873fc52e";
    static final List<String> CGROUP_FLAGS = List.of("cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1");
    static final List<String> SEED_NODES = List.of("pi-server-1", "pi-worker-1", "pi-worker-2", "pi-worker-3");
    static final List<String> WORKERS = SEED_NODES.subList(1, 4);
    /** Short waits: the simulator's boards reboot in a few hundred milliseconds. */
    static final String[] FAST = {"--reboot-timeout", "20", "--k3s-start-timeout", "20"};

    final Path dir;
    final SimCluster sim;
    final Map<String, String> env = new LinkedHashMap<>();

    private E2e(Path dir, SimCluster sim) {
        this.dir = dir;
        this.sim = sim;
    }

    /** The seed example's description, exactly as shipped. */
    static String seed() {
        return read(Path.of("examples/seed/cluster.hcl"));
    }

    /** {@code text} with {@code from} replaced by {@code to}; {@code from} must occur (an edit never silently misses). */
    static String edit(String text, String from, String to) {
        assertTrue(text.contains(from), "the description has no\n  " + from + "\nin\n" + text);
        return text.replace(from, to);
    }

    /** The seed description without pi-worker-3: its node block and every list entry naming it. */
    static String seedWithoutWorker3() {
        String hcl = edit(seed(), "node \"pi-worker-3\" { address = \"192.168.1.13\" }\n", "");
        return edit(hcl, ", node.pi-worker-3]", "]");
    }

    /**
     * Writes {@code hcl} as {@code dir/cluster.hcl} with a fixed state key, and starts {@code boards} with state in
     * {@code dir/sim} and short simulator delays (the reboot timer pictl sets 2 s out fires after 0.2 s).
     */
    static E2e start(Path dir, String hcl, List<NodeSpec> boards) throws IOException {
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        Files.writeString(dir.resolve("pictl.state.key"), STATE_KEY + "\n");
        SimCluster sim = SimCluster.start(ClusterSpec.of(boards).withK3sStartDelayMillis(20).withK3sRestartMillis(300)
                .withRebootDelayMillis(300).withTimerPercent(10), dir.resolve("sim"));
        return new E2e(dir, sim);
    }

    /** Four boards on {@code base}10..13 advertising the seed's addresses 192.168.1.10..13, fresh from the box. */
    static List<NodeSpec> bareSeedBoards(String base, int port) {
        List<NodeSpec> out = new ArrayList<>();
        for (int i = 0; i < SEED_NODES.size(); i++) {
            out.add(NodeSpec.of(SEED_NODES.get(i), base + (10 + i), port).withAdvertisedAddress("192.168.1." + (10 + i)));
        }
        return out;
    }

    /**
     * The seed's four boards already running it at {@code version} (hostname, booted cgroup flags, docker.io, the
     * server with {@link #TOKEN}, agents joined; no StorageClass or PV: the first apply creates those).
     */
    static List<NodeSpec> provisionedSeedBoards(String base, int port, String version) {
        List<NodeSpec> out = new ArrayList<>();
        for (NodeSpec b : bareSeedBoards(base, port)) {
            Provision p = Provision.none().withHostname(true).withKernelFlags(CGROUP_FLAGS).withDocker(true);
            if (b.name().equals("pi-server-1")) {
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("node-ip", "192.168.1.10");
                config.put("disable", List.of("traefik"));
                p = p.withK3sServer(version, TOKEN).withK3sConfig(config);
            } else {
                p = p.withK3sAgent("pi-server-1");
            }
            out.add(b.withProvision(p));
        }
        return out;
    }

    E2e withToken(String token) {
        env.put("PICTL_VAR_k3s_token", token);
        return this;
    }

    void write(String hcl) {
        try {
            Files.writeString(dir.resolve("cluster.hcl"), hcl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the CLI --------------------------------------------------------------------------------------------

    /**
     * {@code pictl apply -c cluster.hcl --sim=sim --no-color --auto-approve ARGS}, with the {@link #FAST} timeouts
     * unless ARGS set them.
     */
    CliRunner.Result apply(String... args) {
        List<String> all = new ArrayList<>(List.of("--auto-approve"));
        for (int i = 0; i < FAST.length; i += 2) {
            if (!List.of(args).contains(FAST[i])) {
                all.addAll(List.of(FAST[i], FAST[i + 1]));
            }
        }
        all.addAll(List.of(args));
        return withSim("apply", all.toArray(String[]::new));
    }

    /** {@code pictl plan -c cluster.hcl --sim=sim --no-color ARGS}. */
    CliRunner.Result plan(String... args) {
        return withSim("plan", args);
    }

    CliRunner.Result withSim(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "-c", "cluster.hcl", "--sim=sim", "--no-color"));
        all.addAll(List.of(args));
        return CliRunner.run(dir, env, all.toArray(String[]::new));
    }

    /** Any command, as typed, in the work directory. */
    CliRunner.Result pictl(String... args) {
        return CliRunner.run(dir, env, args);
    }

    /** The addresses {@code plan --json} would change (actions other than no-op), sorted. */
    TreeSet<String> pendingChanges() {
        CliRunner.Result r = plan("--json");
        try {
            JsonNode plan = JSON.readTree(r.out());
            TreeSet<String> out = new TreeSet<>();
            for (JsonNode c : plan.path("resource_changes")) {
                JsonNode actions = c.path("change").path("actions");
                if (!(actions.size() == 1 && actions.get(0).asText().equals("no-op"))) {
                    out.add(c.path("address").asText());
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("plan --json did not print JSON (exit " + r.exitCode() + "):\n" + r.all(), e);
        }
    }

    Path state() {
        return dir.resolve("pictl.state.json");
    }

    /** The resource addresses recorded in the state file. */
    List<String> stateAddresses() {
        try {
            List<String> out = new ArrayList<>();
            for (JsonNode r : JSON.readTree(state().toFile()).path("resources")) {
                out.add(r.path("address").asText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the boards -----------------------------------------------------------------------------------------

    SimNode node(String name) {
        return sim.node(name);
    }

    /** A command in a board's own shell as pi; it must succeed; its stdout. */
    String exec(String node, String command) {
        ExecResult r = sim.node(node).exec(command);
        assertEquals(0, r.exitCode(), node + ": " + command + "\n" + r.stdout() + r.stderr());
        return r.stdout();
    }

    /** A command in a board's own shell as root; it must succeed; its stdout. */
    String sudo(String node, String command) {
        ExecResult r = sim.node(node).sudo(command);
        assertEquals(0, r.exitCode(), node + ": sudo " + command + "\n" + r.stdout() + r.stderr());
        return r.stdout();
    }

    ExecResult sudoAny(String node, String command) {
        return sim.node(node).sudo(command);
    }

    String cmdline(String node) {
        return exec(node, "cat \"$PICTL_ROOT/proc/cmdline\"").strip();
    }

    String cmdlineTxt(String node) {
        return exec(node, "cat \"$PICTL_ROOT/boot/firmware/cmdline.txt\"").strip();
    }

    List<String> cgroupControllers(String node) {
        return List.of(exec(node, "cat \"$PICTL_ROOT/sys/fs/cgroup/cgroup.controllers\"").strip().split("\\s+"));
    }

    String hostname(String node) {
        return exec(node, "hostname").strip();
    }

    /** {@code dpkg-query}'s status of a package on a board ("install ok installed"), or "" when unknown. */
    String packageStatus(String node, String pkg) {
        ExecResult r = sim.node(node).exec("dpkg-query -W -f='${Status}' " + pkg);
        return r.exitCode() == 0 ? r.stdout().strip() : "";
    }

    /** The server's {@code k3s kubectl ... -o json}, as root. */
    JsonNode kubectlJson(String args) {
        try {
            return JSON.readTree(sudo("pi-server-1", "k3s kubectl " + args + " -o json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Node name → its Ready condition's status, as the server's API lists them. */
    Map<String, String> nodeReadiness() {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode n : kubectlJson("get nodes").path("items")) {
            String ready = "none";
            for (JsonNode c : n.path("status").path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                    ready = c.path("status").asText();
                }
            }
            out.put(n.path("metadata").path("name").asText(), ready);
        }
        return out;
    }

    /** The Node names whose Ready condition is True on the server. */
    List<String> readyNodes() {
        return nodeReadiness().entrySet().stream().filter(e -> e.getValue().equals("True")).map(Map.Entry::getKey).toList();
    }

    /** The Node names whose Ready condition is True, as {@code server}'s API lists them, sorted. */
    List<String> readyNodesOn(String server) {
        ExecResult r = sim.node(server).sudo("k3s kubectl get nodes --no-headers");
        if (r.exitCode() != 0) {
            return List.of();
        }
        return r.stdout().lines().map(l -> l.split("\\s+")).filter(c -> c.length > 1 && c[1].equals("Ready"))
                .map(c -> c[0]).sorted().toList();
    }

    /** The PV as the server's API has it, or null. */
    JsonNode pv(String name) {
        ExecResult r = sim.node("pi-server-1").sudo("k3s kubectl get pv " + name + " -o json");
        if (r.exitCode() != 0) {
            assertTrue(r.stderr().contains("NotFound") || r.stderr().contains("not found"), r.stderr());
            return null;
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single node a local PV is pinned to by its required node affinity. */
    static String affinityNode(JsonNode pv) {
        JsonNode expr = pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms").path(0)
                .path("matchExpressions").path(0);
        assertEquals("kubernetes.io/hostname", expr.path("key").asText(), pv.toString());
        assertEquals("In", expr.path("operator").asText(), pv.toString());
        assertEquals(1, expr.path("values").size(), pv.toString());
        return expr.path("values").get(0).asText();
    }

    List<String> events() {
        return sim.eventMessages();
    }

    /** Exec round trips each board has seen. */
    Map<String, Long> execCounts() {
        Map<String, Long> out = new TreeMap<>();
        sim.nodes().forEach(n -> out.put(n.name(), n.execCount()));
        return out;
    }

    /** The boards are the seed cluster, up and running: checked on each board and through the server's API. */
    void assertSeedRunning(List<String> nodes) {
        assertNodesRunning(nodes);
        assertSeedStorage();
    }

    /** The boards are the seed's nodes, up, in the cluster and Ready (the cluster objects not checked). */
    void assertNodesRunning(List<String> nodes) {
        for (String n : nodes) {
            assertEquals(n, hostname(n), "hostname");
            String hosts = exec(n, "cat \"$PICTL_ROOT/etc/hosts\"");
            assertTrue(hosts.matches("(?s).*\\n127\\.0\\.1\\.1\\s+" + n + "\\n.*"), n + ": /etc/hosts\n" + hosts);
            List<String> booted = List.of(cmdline(n).split(" "));
            assertTrue(booted.containsAll(CGROUP_FLAGS), n + ": /proc/cmdline " + booted);
            assertTrue(cgroupControllers(n).contains("memory"), n + ": cgroup.controllers " + cgroupControllers(n));
            assertEquals("install ok installed", packageStatus(n, "docker.io"), n + ": docker.io");
            String unit = n.equals("pi-server-1") ? "k3s" : "k3s-agent";
            assertEquals("active", sudo(n, "systemctl is-active " + unit).strip(), n + ": " + unit);
        }
        assertEquals(nodes.stream().sorted().toList(), readyNodes(), "Ready nodes on the server");
    }

    /** The seed's StorageClass and PV are on the server. */
    void assertSeedStorage() {
        JsonNode sc = kubectlJson("get storageclass local-storage");
        assertEquals("kubernetes.io/no-provisioner", sc.path("provisioner").asText());
        assertEquals("WaitForFirstConsumer", sc.path("volumeBindingMode").asText());
        JsonNode pv = pv("local-pv-1");
        assertTrue(pv != null, "PV local-pv-1 exists");
        assertEquals("/mnt/local-storage", pv.path("spec").path("local").path("path").asText());
        assertEquals("pi-worker-1", affinityNode(pv));
        assertEquals("10Gi", pv.path("spec").path("capacity").path("storage").asText());
        exec("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/local-storage\"");
    }

    @Override
    public void close() {
        sim.close();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** stderr without the plan's warnings that apply prints first (before the plan it asks to approve). */
    static String afterWarnings(String err) {
        return err.replaceFirst("(?s)^(Warning: [^\n]*\n(  [^\n]*\n)*\n?)*", "");
    }

    static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), "expected to find\n  " + needle + "\nin\n" + haystack);
    }

    static void assertNotContains(String haystack, String needle) {
        assertFalse(haystack.contains(needle), "expected NOT to find\n  " + needle + "\nin\n" + haystack);
    }

    /** Events appended since {@code from} (an index into the log). */
    List<String> eventsSince(int from) {
        List<String> all = events();
        return all.subList(Math.min(from, all.size()), all.size());
    }
}
