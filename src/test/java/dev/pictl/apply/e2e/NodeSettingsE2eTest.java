package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 on one running seed fleet of 4 GB Pi 4s, through the real CLI, every outcome read from the boards (the
 * server's API, the boards' files and journals, the simulator's event log):
 *
 * <ol>
 *   <li>validate and plan give the small-board advisory (the server reserves no memory);</li>
 *   <li>a label and a taint on a worker reach its Node with no k3s restart; changed, the Node follows; a label
 *       another tool set stays; a label changed by hand is drift; removed, only pictl's go;</li>
 *   <li>reserved memory on both k3s blocks: the plan says k3s restarts one node at a time, the restarts do not
 *       overlap, and every board's k3s runs with the kubelet arguments;</li>
 *   <li>a registry mirror with credentials: registries.yaml on every board parses to exactly the declared content,
 *       and the password is in no output, state, backup or saved plan of pictl's.</li>
 * </ol>
 */
class NodeSettingsE2eTest {
    static final int PORT = 24720;
    static final long MEM_4G = 3884084;
    static final String PASSWORD = "r3g-pa55-NEVER-shown-7c1e";
    static final String WORKER = "pi-worker-1";
    static final String WORKER_BLOCK = "node \"pi-worker-1\" { address = \"192.168.1.11\" }";

    @TempDir
    Path tmp;

    static List<NodeSpec> smallBoards() {
        return E2e.provisionedSeedBoards("127.0.89.", PORT, E2e.VERSION).stream()
                .map(b -> b.withMemoryKb(MEM_4G)).toList();
    }

    static String withWorkerSettings(String hcl, String settings) {
        return E2e.edit(hcl, WORKER_BLOCK, "node \"pi-worker-1\" {\n  address = \"192.168.1.11\"\n" + settings + "}");
    }

    @Test
    void labelsTaintsReservedMemoryAndMirrors_onTheSeedCluster() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), smallBoards())) {
            f.withToken(E2e.TOKEN);
            f.env.put("PICTL_VAR_reg_pw", PASSWORD);

            // 1. The seed reserves no memory on a 4 GB server: validate advises (it cannot see the board), plan too.
            CliRunner.Result validate = f.pictl("validate", "-c", "cluster.hcl", "--no-color");
            assertEquals(0, validate.exitCode(), validate.all());
            assertContains(validate.err(), "cluster.hcl:34:1: k3s_server.control reserves no memory on pi-server-1");
            assertContains(validate.err(), "\"memory.available\" = \"200Mi\"");
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            assertContains(first.err(), "pi-server-1 has 3.7 GB and runs k3s_server.control with no memory reserved");
            f.assertSeedRunning(E2e.SEED_NODES);

            // 2. Labels and taints, live. Another tool labels the worker first; pictl must never touch that label.
            f.sudo("pi-server-1", "k3s kubectl label node pi-worker-1 team=blue");
            String labelled = withWorkerSettings(E2e.seed(), """
                      labels  = { "disk" = "ssd" }
                      taints  = ["dedicated=db:NoSchedule"]
                    """);
            f.write(labelled);
            CliRunner.Result plan = f.plan();
            assertContains(plan.out(), "# kube_node.pi-worker-1 will be updated in-place");
            // each label its own line (issue 20)
            assertContains(plan.out(), "~ labels = {\n          + \"disk\" = \"ssd\"\n        }\n");
            assertContains(plan.out(), "~ taints = [\n          + \"dedicated=db:NoSchedule\",\n        ]\n");
            int from = f.events().size();
            CliRunner.Result add = f.apply();
            assertEquals(0, add.exitCode(), add.all());
            assertEquals(Map.of("disk", "ssd", "team", "blue"), userLabels(f));
            assertEquals(List.of("dedicated=db:NoSchedule"), userTaints(f));
            assertNoRestart(f.eventsSince(from));

            String changed = withWorkerSettings(E2e.seed(), """
                      labels  = { "disk" = "nvme", "zone" = "a" }
                      taints  = ["dedicated=cache:NoSchedule", "gpu:NoExecute"]
                    """);
            f.write(changed);
            plan = f.plan();
            assertContains(plan.out(), "~ labels = {\n          ~ \"disk\" = \"ssd\" -> \"nvme\"\n          + \"zone\" = \"a\"\n        }\n");
            from = f.events().size();
            CliRunner.Result change = f.apply();
            assertEquals(0, change.exitCode(), change.all());
            assertEquals(Map.of("disk", "nvme", "team", "blue", "zone", "a"), userLabels(f));
            assertEquals(List.of("dedicated=cache:NoSchedule", "gpu:NoExecute"), userTaints(f));
            assertNoRestart(f.eventsSince(from));

            // A label changed by hand is drift; one added by hand under another key is not pictl's business.
            f.sudo("pi-server-1", "k3s kubectl label node pi-worker-1 disk=hdd --overwrite");
            f.sudo("pi-server-1", "k3s kubectl label node pi-worker-1 owner=ops");
            CliRunner.Result drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), drift.all());
            assertContains(drift.out(), "kube_node.pi-worker-1");
            assertContains(drift.out(), "\"hdd\"");
            assertNotContains(drift.out(), "owner");

            // Removed from the description: pictl takes away what it set, and only that.
            f.write(E2e.seed());
            from = f.events().size();
            CliRunner.Result remove = f.apply();
            assertEquals(0, remove.exitCode(), remove.all());
            assertContains(remove.out(), "kube_node.pi-worker-1");
            assertEquals(Map.of("owner", "ops", "team", "blue"), userLabels(f));
            assertEquals(List.of(), userTaints(f));
            assertNoRestart(f.eventsSince(from));
            assertFalse(f.stateAddresses().contains("kube_node.pi-worker-1"), f.stateAddresses().toString());

            // 3. Reserved memory on both k3s blocks: a planned rolling restart; the kubelets run with the arguments.
            String reserved = """
                      system_reserved = { memory = "256Mi", cpu = "250m" }
                      kube_reserved   = { memory = "256Mi" }
                      eviction_hard   = { "memory.available" = "200Mi", "nodefs.available" = "5%", "imagefs.available" = "5%" }
                    """;
            String hcl = E2e.edit(E2e.seed(), "  disable = [\"traefik\"]\n", "  disable = [\"traefik\"]\n" + reserved);
            hcl = E2e.edit(hcl, "  server = k3s_server.control\n", "  server = k3s_server.control\n" + reserved);
            f.write(hcl);
            validate = f.pictl("validate", "-c", "cluster.hcl", "--no-color");
            assertEquals(0, validate.exitCode(), validate.all());
            assertNotContains(validate.err(), "reserves no memory");
            plan = f.plan();
            assertNotContains(plan.all(), "no memory reserved");
            assertEquals(4, count(plan.out(), "# (k3s restarts to take the new settings, one node at a time)"), plan.out());
            assertContains(plan.out(), "\"kubelet-arg\" = [\"system-reserved=cpu=250m,memory=256Mi\", "
                    + "\"kube-reserved=memory=256Mi\", \"eviction-hard=imagefs.available<5%,memory.available<200Mi,"
                    + "nodefs.available<5%\"]");
            from = f.events().size();
            CliRunner.Result restart = f.apply();
            assertEquals(0, restart.exitCode(), restart.all());
            assertRolling(f.eventsSince(from));
            for (String n : E2e.SEED_NODES) {
                String unit = n.equals("pi-server-1") ? "k3s" : "k3s-agent";
                String journal = f.sudo(n, "journalctl -u " + unit + " -n 400 --no-pager");
                String kubelet = lastLine(journal, "Running kubelet ");
                assertContains(kubelet, "--system-reserved=cpu=250m,memory=256Mi");
                assertContains(kubelet, "--kube-reserved=memory=256Mi");
                assertContains(kubelet, "--eviction-hard=imagefs.available<5%,memory.available<200Mi,nodefs.available<5%");
            }

            // 4. A registry mirror with credentials on every board.
            String mirrors = """
                      registry_mirrors = { "docker.io" = ["http://192.168.1.5:5000"] }
                      registry_auth    = { "192.168.1.5:5000" = ["pi", var.reg_pw] }
                    """;
            String withMirrors = E2e.edit(hcl, "ssh {", "variable \"reg_pw\" {\n  sensitive = true\n}\n\nssh {");
            withMirrors = E2e.edit(withMirrors, "  disable = [\"traefik\"]\n", "  disable = [\"traefik\"]\n" + mirrors);
            withMirrors = E2e.edit(withMirrors, "  server = k3s_server.control\n", "  server = k3s_server.control\n"
                    + mirrors);
            f.write(withMirrors);
            List<CliRunner.Result> outputs = new ArrayList<>();
            plan = f.plan("--out", "mirrors.plan");
            outputs.add(plan);
            assertEquals(4, count(plan.out(), "# (k3s restarts to take the new settings, one node at a time)"), plan.out());
            assertContains(plan.out(), "registry_mirrors = {\n          + \"docker.io\" = [\"http://192.168.1.5:5000\"]\n        }\n");
            outputs.add(f.plan("--json"));
            from = f.events().size();
            CliRunner.Result mirror = f.apply("mirrors.plan");
            outputs.add(mirror);
            assertEquals(0, mirror.exitCode(), mirror.all());
            assertRolling(f.eventsSince(from));
            Map<String, Object> declared = Map.of(
                    "mirrors", Map.of("docker.io", Map.of("endpoint", List.of("http://192.168.1.5:5000"))),
                    "configs", Map.of("192.168.1.5:5000", Map.of("auth", Map.of("username", "pi", "password", PASSWORD))));
            for (String n : E2e.SEED_NODES) {
                String yaml = f.sudo(n, "cat \"$PICTL_ROOT/etc/rancher/k3s/registries.yaml\"");
                assertEquals(declared, new YAMLMapper().readValue(yaml, Map.class), n);
                assertEquals("600", f.sudo(n, "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/registries.yaml\"").strip(), n);
                assertContains(f.sudo(n, "journalctl -u " + (n.equals("pi-server-1") ? "k3s" : "k3s-agent")
                        + " -n 400 --no-pager"), "Using private registry config file at /etc/rancher/k3s/registries.yaml");
            }
            CliRunner.Result again = f.plan("--detailed-exitcode");
            outputs.add(again);
            assertEquals(0, again.exitCode(), again.all());
            outputs.add(f.pictl("show", "--state", f.state().toString(), "--no-color"));
            outputs.add(f.pictl("show", "--state", f.state().toString(), "--json"));
            outputs.add(f.pictl("show", "mirrors.plan", "--no-color"));
            outputs.add(f.withSim("drift"));
            for (CliRunner.Result r : outputs) {
                assertNotContains(r.all(), PASSWORD);
            }
            // No file pictl wrote beside the description (state, its backups, the saved plan) holds the password.
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.startsWith(tmp.resolve("sim"))).toList()) {
                    assertFalse(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains(PASSWORD),
                            "the password is in " + tmp.relativize(p));
                }
            }
        }
    }

    /** The Node's labels that neither Kubernetes nor k3s set. */
    private static Map<String, String> userLabels(E2e f) {
        JsonNode labels = f.kubectlJson("get node " + WORKER).path("metadata").path("labels");
        Map<String, String> out = new java.util.TreeMap<>();
        labels.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (!k.contains("kubernetes.io/") && !k.contains("k3s.io/")) {
                out.put(k, e.getValue().asText());
            }
        });
        return out;
    }

    /** The Node's taints, as KEY[=VALUE]:EFFECT, sorted. */
    private static List<String> userTaints(E2e f) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : f.kubectlJson("get node " + WORKER).path("spec").path("taints")) {
            String v = t.path("value").asText("");
            out.add(t.path("key").asText() + (v.isEmpty() ? "" : "=" + v) + ":" + t.path("effect").asText());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static void assertNoRestart(List<String> events) {
        assertTrue(events.stream().noneMatch(e -> e.contains(" restarted on ") || e.startsWith("reboot ")),
                "k3s restarted for a label or taint: " + events);
    }

    /** The server restarted and came back before any agent went down; one agent at a time after it. */
    private static void assertRolling(List<String> ev) {
        int serverUp = index(ev, "k3s started on pi-server-1");
        assertTrue(index(ev, "k3s restarted on pi-server-1") < serverUp, ev.toString());
        List<int[]> windows = new ArrayList<>();
        for (String w : E2e.WORKERS) {
            int down = index(ev, "k3s-agent restarted on " + w);
            int up = index(ev, "k3s-agent started on " + w);
            assertTrue(serverUp < down && down < up, w + ": " + ev);
            windows.add(new int[] {down, up});
        }
        windows.sort(Comparator.comparingInt(a -> a[0]));
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(windows.get(i - 1)[1] < windows.get(i)[0], "two agents restarted at once: " + ev);
        }
    }

    private static int index(List<String> events, String event) {
        int i = events.indexOf(event);
        assertTrue(i >= 0, "no event \"" + event + "\" in " + events);
        return i;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String lastLine(String text, String containing) {
        String last = null;
        for (String l : text.split("\n")) {
            if (l.contains(containing)) {
                last = l;
            }
        }
        assertTrue(last != null, "no line with \"" + containing + "\" in\n" + text);
        return last;
    }
}
