package dev.pictl.drift;

import static dev.pictl.plan.PlanFixture.assertContains;
import static dev.pictl.plan.PlanFixture.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanFixture;
import dev.pictl.sim.Unreachable;
import dev.pictl.state.LockHolderMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pictl drift} against the simulated seed cluster with the state of its last apply
 * ({@code seed.state.json}): every out-of-band change of the plan tests, each made through the node's own shell
 * or kubectl, is found with exit 2 and named by resource and attribute; a clean cluster exits 0; unapplied edits
 * count only when asked; an unreachable node exits 3 while the others are still checked; health findings are
 * reported beside drift; and drift never writes the state, not even while an apply holds the lock. Every JSON
 * output is checked against {@code schema/drift.schema.json}.
 */
class DriftCliTest {
    private static final int PORT = 24643;
    /** Loopback /24s of this class, one per fleet. */
    private static final AtomicInteger NEXT_NET = new AtomicInteger(101);
    private static final Map<String, String> WITH_TOKEN = Map.of("PICTL_VAR_k3s_token", "plan-t0ken-NEVER-printed-9c41e7");
    @TempDir
    Path dir;
    PlanFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** A provisioned seed fleet of this test's own with the state of the last apply. */
    private PlanFixture applied() throws Exception {
        return applied(PlanFixture.resource("seed.hcl"));
    }

    private PlanFixture applied(String hcl) throws Exception {
        f = PlanFixture.start(dir, hcl, PlanFixture.seedBoards("127.0." + NEXT_NET.getAndIncrement() + ".", PORT, true),
                WITH_TOKEN);
        f.useState("seed.state.json");
        return f;
    }

    static JsonNode validJson(String json) {
        return PlanFixture.assertValidJson("drift.schema.json", json);
    }

    /** Drift as text and JSON; both must agree on the exit code, the JSON must match the schema. */
    private JsonNode driftBoth(int expectedExit, CliRunner.Result text, String... args) {
        assertEquals(expectedExit, text.exitCode(), text.all());
        List<String> withJson = new ArrayList<>(List.of(args));
        withJson.add("--json");
        CliRunner.Result json = f.drift(withJson.toArray(String[]::new));
        assertEquals(expectedExit, json.exitCode(), json.all());
        JsonNode tree = validJson(json.out());
        assertEquals(expectedExit, tree.get("exit_code").intValue());
        return tree;
    }

    private static JsonNode drifted(JsonNode report, String address) {
        for (JsonNode d : report.get("resource_drift")) {
            if (d.get("address").asText().equals(address)) {
                return d;
            }
        }
        throw new AssertionError(address + " not in resource_drift: " + report.get("resource_drift"));
    }

    // ---- clean ----------------------------------------------------------------------------------------------------

    @Test
    void cleanCluster_exits0_withOneLine() throws Exception {
        applied();

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(0, r);
        assertContains(r.out(), "pictl drift: " + dir.getFileName() + ": no drift, 4 nodes match the state of the last "
                + "apply (serial 7)");
        assertContains(r.out(), "Exit 0: clean.");
        assertEquals("clean", json.get("result").asText());
        assertEquals(0, json.get("resource_drift").size());
        assertEquals(0, json.get("unapplied").size(), json.get("unapplied").toString());
        assertEquals(4, json.get("nodes").size());
        assertTrue(json.at("/nodes/0/ready").booleanValue(), json.get("nodes").toString());
    }

    @Test
    void quiet_printsNothingWhenClean_butTheWholeReportOnDrift() throws Exception {
        applied();

        CliRunner.Result clean = f.drift("--quiet");
        f.sudo("pi-server-1", "systemctl stop k3s");
        CliRunner.Result drift = f.drift("--quiet");

        assertEquals(0, clean.exitCode(), clean.all());
        assertEquals("", clean.out() + clean.err());
        assertEquals(2, drift.exitCode(), drift.all());
        assertContains(drift.out(), "running: true -> false");
    }

    // ---- every out-of-band change, made through the node's own shell ----------------------------------------------

    @Test
    void hostnameChangedByHand_isDrift_onTheNode() throws Exception {
        applied();
        f.sudo("pi-worker-2", "echo intruder > \"$PICTL_ROOT/etc/hostname\" && hostname intruder");

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(2, r);
        assertContains(r.out(), "pictl drift: " + dir.getFileName() + ": DRIFT: 1 resource changed outside pictl");
        assertContains(r.out(), "  node.pi-worker-2 on pi-worker-2\n      hostname: \"pi-worker-2\" -> \"intruder\"\n");
        JsonNode d = drifted(json, "node.pi-worker-2");
        assertEquals("pi-worker-2", d.at("/change/before/hostname").asText());
        assertEquals("intruder", d.at("/change/after/hostname").asText());
        assertEquals("[\"update\"]", d.at("/change/actions").toString());
    }

    @Test
    void cgroupFlagRemovedFromCmdline_isDrift_ofKernelParamsAdd() throws Exception {
        applied();
        f.sudo("pi-worker-2", "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(2, r);
        assertContains(r.out(), "  kernel_params.cgroups[\"pi-worker-2\"] on pi-worker-2\n      add: ");
        assertContains(r.out(), "-> [\"cgroup_enable=cpuset\", \"cgroup_memory=1\"]\n");
        assertEquals("add", drifted(json, "kernel_params.cgroups[\"pi-worker-2\"]").at("/attributes/0/name").asText());
    }

    @Test
    void k3sServerStopped_isDrift_ofRunning() throws Exception {
        applied();
        f.sudo("pi-server-1", "systemctl stop k3s");

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(2, r);
        assertContains(r.out(), "  k3s_server.control on pi-server-1\n      running: true -> false\n");
        JsonNode a = drifted(json, "k3s_server.control").at("/attributes/0");
        assertEquals("running", a.get("name").asText());
        assertTrue(a.get("was").booleanValue());
        assertFalse(a.get("is").booleanValue());
    }

    @Test
    void k3sAgentStopped_isDrift_ofRunning() throws Exception {
        applied();
        f.sudo("pi-worker-3", "systemctl stop k3s-agent");

        CliRunner.Result r = f.drift();

        driftBoth(2, r);
        assertContains(r.out(), "  k3s_agent.workers[\"pi-worker-3\"] on pi-worker-3\n      running: true -> false\n");
    }

    @Test
    void k3sReinstalledWithAnotherVersion_isDrift_ofVersion() throws Exception {
        applied();
        f.sudo("pi-server-1", "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.31.3+k3s1 sh -");

        CliRunner.Result r = f.drift();

        driftBoth(2, r);
        assertContains(r.out(), "  k3s_server.control on pi-server-1\n      version: \"v1.31.4+k3s1\" -> \"v1.31.3+k3s1\"\n");
    }

    @Test
    void dockerRemovedByHand_isDrift_ofDockerInstalledAndRunning() throws Exception {
        applied();
        f.sudo("pi-worker-2", "apt-get remove -y docker.io");

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(2, r);
        assertContains(r.out(), "  runtime.docker[\"pi-worker-2\"] on pi-worker-2\n"
                + "      docker_installed: true -> false\n      docker_running: true -> false\n");
        JsonNode d = drifted(json, "runtime.docker[\"pi-worker-2\"]");
        assertFalse(d.get("gone").booleanValue());
        assertFalse(d.at("/change/after/docker_installed").booleanValue());
    }

    @Test
    void storageClassReplacedWithAnotherProvisioner_isDrift_ofProvisioner() throws Exception {
        applied();
        f.kubectl("delete storageclass local-storage");
        f.sudo("pi-server-1", "printf '%s' '" + PlanFixture.SC_YAML.formatted("rancher.io/local-path")
                + "' | kubectl apply -f -");

        CliRunner.Result r = f.drift();

        driftBoth(2, r);
        assertContains(r.out(), "  storage_class.local-storage\n      provisioner: \"kubernetes.io/no-provisioner\" -> "
                + "\"rancher.io/local-path\"\n");
    }

    @Test
    void persistentVolumeDeletedByHand_isDrift_thePvIsGone() throws Exception {
        applied();
        f.kubectl("delete pv local-pv-1");

        CliRunner.Result r = f.drift();

        driftBoth(2, r);
        assertContains(r.out(), "  pv.local-pv-1 on pi-worker-1: gone\n");
    }

    // ---- unapplied edits ------------------------------------------------------------------------------------------

    @Test
    void editedButUnappliedDescription_exits0_andCountsOnlyWithIncludeUnapplied() throws Exception {
        applied(PlanFixture.resource("seed.hcl").replace("allow_volume_expansion = true", "allow_volume_expansion = false"));

        CliRunner.Result r = f.drift();
        CliRunner.Result counted = f.drift("--include-unapplied");

        JsonNode json = driftBoth(0, r);
        assertContains(r.out(), "no drift, 4 nodes match the state of the last apply (serial 7); 1 edit not applied yet\n");
        assertContains(r.out(), "Not applied yet (description edits; not counted without --include-unapplied):\n"
                + "  ~ storage_class.local-storage\n      allow_volume_expansion: true -> false\n");
        assertEquals("update", json.at("/unapplied/0/action").asText());
        assertEquals(0, json.get("resource_drift").size());

        JsonNode countedJson = driftBoth(2, counted, "--include-unapplied");
        assertContains(counted.out(), "DRIFT: 1 edit not applied yet\n");
        assertTrue(countedJson.at("/options/include_unapplied").booleanValue());
    }

    @Test
    void variablesNeedNoValues_driftWorksFromCronWithoutTheToken() throws Exception {
        applied(PlanFixture.resource("seed.hcl").replace("  default     = null\n", ""));

        CliRunner.Result r = CliRunner.run(dir, Map.of(), "drift", "-c", "cluster.hcl", "--sim=sim", "--no-color");

        assertEquals(0, r.exitCode(), r.all());
        assertContains(r.out(), "no drift");
        assertNotContains(r.out(), "token");
    }

    // ---- unreachable and precedence -------------------------------------------------------------------------------

    @Test
    void unreachableNode_exits3_withItsOwnMessage_whileTheOthersAreStillChecked() throws Exception {
        applied();
        f.node("pi-worker-3").setUnreachable(Unreachable.REFUSED);
        f.sudo("pi-server-1", "systemctl stop k3s");

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(3, r);
        assertContains(r.out(), "pictl drift: " + dir.getFileName() + ": UNREACHABLE: 1 resource changed outside pictl, "
                + "1 node unreachable");
        assertContains(r.out(), "Unreachable (the other nodes were checked):\n  pi-worker-3 (192.168.1.13): connect: "
                + "connection refused");
        assertContains(r.out(), "      not checked: k3s_agent.workers[\"pi-worker-3\"], kernel_params.cgroups[\"pi-worker-3\"], "
                + "node.pi-worker-3, runtime.docker[\"pi-worker-3\"]\n");
        assertContains(r.out(), "  k3s_server.control on pi-server-1\n      running: true -> false\n");
        assertContains(r.out(), "Exit 3: 1 unreachable, and drift on the nodes checked.");
        assertEquals("unreachable", json.get("result").asText());
        assertEquals("pi-worker-3", json.at("/unreachable/0/node").asText());
        assertFalse(json.at("/nodes/3/reachable").booleanValue());
        assertTrue(json.at("/nodes/2/reachable").booleanValue());
    }

    @Test
    void unreachableServer_leavesTheStorageObjectsUnchecked_notUnreadable() throws Exception {
        applied();
        f.node("pi-server-1").setUnreachable(Unreachable.REFUSED);

        CliRunner.Result r = f.drift();

        JsonNode json = driftBoth(3, r);
        assertEquals(0, json.get("unreadable").size(), json.get("unreadable").toString());
        assertEquals(0, json.get("resource_drift").size(), json.get("resource_drift").toString());
        List<String> notChecked = new ArrayList<>();
        json.at("/unreachable/0/not_checked").forEach(a -> notChecked.add(a.asText()));
        assertTrue(notChecked.containsAll(List.of("k3s_server.control", "storage_class.local-storage", "pv.local-pv-1")),
                notChecked.toString());
        assertContains(r.out(), "  pi-server-1 (192.168.1.10): connect: connection refused");
    }

    @Test
    void errorsWinOverEverything_exit1() throws Exception {
        applied();
        f.node("pi-worker-3").setUnreachable(Unreachable.REFUSED);
        Files.writeString(f.state(), "{ not json");

        CliRunner.Result badState = f.drift();
        CliRunner.Result badRule = f.drift("--ignore", "k3s_agent");

        assertEquals(1, badState.exitCode(), badState.all());
        assertContains(badState.err(), "No drift check:");
        assertEquals("", badState.out());
        assertEquals(1, badRule.exitCode(), badRule.all());
        assertContains(badRule.err(), "Invalid --ignore: \"k3s_agent\" is not an ignore rule");
    }

    // ---- health ---------------------------------------------------------------------------------------------------

    @Test
    void throttledBoard_isReportedDecoded_andFailsOnlyWithFailOnHealth() throws Exception {
        applied();
        f.node("pi-worker-1").setThrottled("0x50005");

        CliRunner.Result r = f.drift();
        CliRunner.Result failing = f.drift("--fail-on-health");
        CliRunner.Result ignored = f.drift("--fail-on-health", "--ignore", "health.pi-worker-1.throttled_now");

        JsonNode json = driftBoth(0, r);
        assertContains(r.out(), "  pi-worker-1: throttled=0x50005: under-voltage now, throttled now, under-voltage has "
                + "occurred since boot, throttling has occurred since boot");
        JsonNode w1 = json.at("/nodes/1");
        assertEquals("0x50005", w1.get("throttled").asText());
        assertEquals("[\"under-voltage now\",\"throttled now\",\"under-voltage has occurred since boot\","
                + "\"throttling has occurred since boot\"]", w1.get("throttled_meaning").toString());
        JsonNode failingJson = driftBoth(2, failing, "--fail-on-health");
        assertEquals(1, failingJson.at("/summary/failing_health").intValue(), failingJson.get("health").toString());
        assertEquals(0, ignored.exitCode(), ignored.all());
        assertContains(ignored.out(), "health.pi-worker-1 throttled_now (rule health.pi-worker-1.throttled_now)");
    }

    @Test
    void failOnHealthInTheDescription_countsHealth_butAdvisoryFindingsNever() throws Exception {
        applied(PlanFixture.resource("seed.hcl") + "\ndrift {\n  fail_on_health = true\n}\n");

        CliRunner.Result clean = f.drift();
        f.node("pi-worker-2").setThrottled("0x50000");
        CliRunner.Result history = f.drift();

        assertEquals(0, clean.exitCode(), clean.all()); // the SD-card boot finding is advisory
        assertContains(clean.out(), "pi-server-1, pi-worker-1, pi-worker-2, pi-worker-3: boots from an SD card");
        assertContains(clean.out(), "[advisory]");
        assertEquals(2, history.exitCode(), history.all());
        assertContains(history.out(), "pi-worker-2: throttled=0x50000: under-voltage has occurred since boot, "
                + "throttling has occurred since boot");
    }

    // ---- ignore rules ---------------------------------------------------------------------------------------------

    @Test
    void ignoreRules_inTheDescriptionAndOnTheCommandLine_leaveKnownNoiseOut() throws Exception {
        applied(PlanFixture.resource("seed.hcl") + "\ndrift {\n  ignore = [\"k3s_server.control.running\"]\n}\n");
        f.sudo("pi-server-1", "systemctl stop k3s");
        f.sudo("pi-worker-2", "echo intruder > \"$PICTL_ROOT/etc/hostname\" && hostname intruder");

        CliRunner.Result oneLeft = f.drift();
        CliRunner.Result none = f.drift("--ignore", "node.*.hostname");

        JsonNode json = driftBoth(2, oneLeft);
        assertNotContains(oneLeft.out(), "k3s_server.control on");
        assertContains(oneLeft.out(), "Ignored (1):\n  k3s_server.control running (rule k3s_server.control.running)\n");
        assertEquals("k3s_server.control.running", json.at("/ignored/0/rule").asText());
        assertEquals(0, none.exitCode(), none.all());
        assertContains(none.out(), "node.pi-worker-2 hostname (rule node.*.hostname)");
    }

    // ---- read-only ------------------------------------------------------------------------------------------------

    @Test
    void driftNeverWritesTheState_andRunsWhileAnApplyHoldsTheLock() throws Exception {
        applied();
        f.sudo("pi-server-1", "systemctl stop k3s");
        String before = f.sha256(f.state());
        List<Path> filesBefore = f.writtenFiles();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), f.state().toString(), "pictl apply")
                .redirectError(dir.resolve("holder.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("LOCKED " + holder.pid(), out.readLine());
            CliRunner.Result refused = f.apply("--auto-approve");
            assertEquals(1, refused.exitCode(), "the lock is held: " + refused.all());

            CliRunner.Result r = f.drift();
            CliRunner.Result json = f.drift("--json", "--include-unapplied", "--fail-on-health");

            assertEquals(2, r.exitCode(), r.all());
            assertContains(r.out(), "running: true -> false");
            assertEquals(2, json.exitCode(), json.all());
            assertEquals(before, f.sha256(f.state()));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertEquals(before, f.sha256(f.state()));
        List<Path> filesAfter = new ArrayList<>(f.writtenFiles());
        filesAfter.remove(dir.resolve("holder.err"));
        assertEquals(filesBefore, filesAfter.stream().filter(p -> !p.getFileName().toString().equals(
                "pictl.state.json.lock")).toList());
    }
}
