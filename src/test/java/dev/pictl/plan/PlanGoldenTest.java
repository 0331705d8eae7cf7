package dev.pictl.plan;

import static dev.pictl.plan.PlanFixture.assertContains;
import static dev.pictl.plan.PlanFixture.assertNotContains;
import static dev.pictl.plan.PlanFixture.assertValidPlanJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Unreachable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pictl plan} against the simulated seed cluster, asserted against golden text and JSON: fresh boards
 * (everything to create), fully provisioned boards (no changes), and every classic drift, each caused through
 * the node's own shell, with the attribute line a user reads asserted here too. Every JSON output is checked
 * against {@code schema/plan.schema.json}.
 *
 * <p>The fresh fleet is shared by the tests that leave it as they found it; every drift gets a provisioned
 * fleet of its own (about a second to start), so no test depends on another's clean-up.
 */
class PlanGoldenTest {
    private static final int PORT = 24611;
    /** Loopback /24s of this class: 127.0.61.x for the shared fresh fleet, then one per drift fleet. */
    private static final AtomicInteger NEXT_NET = new AtomicInteger(62);
    private static final Map<String, String> NO_ENV = Map.of();
    private static final Map<String, String> WITH_TOKEN = Map.of("PICTL_VAR_k3s_token", PlanFixture.TOKEN);

    @TempDir
    static Path freshDir;
    static PlanFixture fresh;

    @TempDir
    Path dir;
    PlanFixture own;

    @BeforeAll
    static void startFreshFleet() throws Exception {
        fresh = PlanFixture.start(freshDir, PlanFixture.resource("seed.hcl"),
                PlanFixture.seedBoards("127.0.61.", PORT, false), NO_ENV);
    }

    @AfterAll
    static void stopFreshFleet() {
        if (fresh != null) {
            fresh.close();
        }
    }

    @AfterEach
    void stopOwnFleet() {
        if (own != null) {
            own.close();
        }
    }

    /** A provisioned seed fleet of this test's own, with the token. */
    private PlanFixture provisioned() throws Exception {
        return provisioned(PlanFixture.resource("seed.hcl"), PlanFixture.SEED_NODES);
    }

    private PlanFixture provisioned(String hcl, List<String> nodes) throws Exception {
        own = PlanFixture.start(dir, hcl, PlanFixture.seedBoards("127.0." + NEXT_NET.getAndIncrement() + ".", PORT,
                true, nodes), WITH_TOKEN);
        return own;
    }

    // ---- fresh and provisioned ----------------------------------------------------------------------------------

    @Test
    void plan_ofFreshBoards_createsEverythingAndRenamesTheNodes() {
        CliRunner.Result text = fresh.plan("--detailed-exitcode");
        CliRunner.Result json = fresh.plan("--json", "--detailed-exitcode");

        assertEquals(2, text.exitCode(), text.all());
        assertEquals(2, json.exitCode(), json.all());
        fresh.assertGolden("fresh.txt", text.out());
        fresh.assertGolden("fresh.json", json.out());
        assertContains(text.out(), "~ hostname    = \"raspberrypi\" -> \"pi-worker-1\"");
        assertContains(text.out(), "# !! REBOOT: pi-worker-1 restarts");
        assertContains(text.out(), "Plan: 14 to add, 4 to change, 0 to destroy.");
        JsonNode plan = assertValidPlanJson(json.out());
        assertTrue(plan.get("applyable").booleanValue());
        assertEquals(14, plan.at("/summary/add").intValue());
    }

    @Test
    void plan_ofProvisionedBoards_hasNoChanges_exit0WithDetailedExitcode() throws Exception {
        PlanFixture f = provisioned();

        CliRunner.Result text = f.plan("--detailed-exitcode");
        CliRunner.Result json = f.plan("--json", "--detailed-exitcode");

        assertEquals(0, text.exitCode(), text.all());
        assertEquals(0, json.exitCode(), json.all());
        f.assertGolden("provisioned.txt", text.out());
        f.assertGolden("provisioned.json", json.out());
        assertContains(text.out(), "No changes. Your cluster matches the configuration.");
        JsonNode plan = assertValidPlanJson(json.out());
        assertFalse(plan.get("applyable").booleanValue());
        for (JsonNode c : plan.get("resource_changes")) {
            assertEquals("no-op", c.get("action").asText(), c.toString());
        }
    }

    // ---- drift, each caused through the node's own shell --------------------------------------------------------

    @Test
    void plan_putsBackACgroupFlagRemovedFromCmdlineByHand() throws Exception {
        PlanFixture f = provisioned();
        f.sudo("pi-worker-2", "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");

        CliRunner.Result text = f.plan("--detailed-exitcode");
        CliRunner.Result json = f.plan("--json");

        assertEquals(2, text.exitCode(), text.all());
        f.assertGolden("drift-cgroup-flag-removed.txt", text.out());
        f.assertGolden("drift-cgroup-flag-removed.json", json.out());
        // one element per line, the one put back marked + (issue 19)
        assertContains(text.out(), "      ~ add = [\n"
                + "            \"cgroup_enable=cpuset\",\n"
                + "          + \"cgroup_enable=memory\",\n"
                + "            \"cgroup_memory=1\",\n"
                + "        ]\n");
        assertContains(text.out(), "# !! REBOOT: pi-worker-2 is drained, restarted and uncordoned");
    }

    @Test
    void plan_saysRebootPendingWhenFlagsAreInTheFileButNotBooted() throws Exception {
        Path cmdline = fresh.node("pi-worker-3").root().resolve("boot/firmware/cmdline.txt");
        String original = Files.readString(cmdline);
        try {
            fresh.sudo("pi-worker-3", "sed -i '1s/$/ cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1/' "
                    + "\"$PICTL_ROOT/boot/firmware/cmdline.txt\"");

            CliRunner.Result text = fresh.plan("--target", "kernel_params.cgroups[\"pi-worker-3\"]");
            CliRunner.Result json = fresh.plan("--json", "--target", "kernel_params.cgroups[\"pi-worker-3\"]");

            assertEquals(0, text.exitCode(), text.all());
            fresh.assertGolden("drift-reboot-pending.txt", text.out());
            fresh.assertGolden("drift-reboot-pending.json", json.out());
            assertContains(text.out(), "  # (cmdline.txt holds the change but the running kernel does not: reboot pending)");
            assertContains(text.out(), "      ~ booted = false -> true\n");
            assertEquals("reboot_pending", changeOf(json.out(), "kernel_params.cgroups[\"pi-worker-3\"]")
                    .get("action_reason").asText());
        } finally {
            Files.writeString(cmdline, original);
        }
    }

    /**
     * With the state of the last apply (the usual case: pictl built the cluster). The StorageClass and PV cannot be
     * read while the server is down; the state's record stands for them, so they are not planned again.
     */
    @Test
    void plan_startsAStoppedK3sServer() throws Exception {
        PlanFixture f = provisioned();
        f.useState("seed.state.json");
        f.sudo("pi-server-1", "systemctl stop k3s");

        CliRunner.Result text = f.plan();
        CliRunner.Result json = f.plan("--json");

        assertEquals(0, text.exitCode(), text.all());
        f.assertGolden("drift-k3s-stopped.txt", text.out());
        f.assertGolden("drift-k3s-stopped.json", json.out());
        assertContains(text.out(), "  # k3s_server.control has changed\n      ~ running = true -> false\n");
        assertContains(text.out(), "  # (the service is not running)\n");
        assertContains(text.out(), "      ~ running = false -> true\n");
        assertContains(text.out(), "Plan: 0 to add, 1 to change, 0 to destroy.");
        assertNotContains(text.out(), "will be created");
    }

    @Test
    void plan_upgradesAK3sServerReinstalledWithAnotherVersion() throws Exception {
        PlanFixture f = provisioned();
        f.sudo("pi-server-1", "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.31.3+k3s1 sh -");

        CliRunner.Result text = f.plan();
        CliRunner.Result json = f.plan("--json");

        assertEquals(0, text.exitCode(), text.all());
        f.assertGolden("drift-k3s-version.txt", text.out());
        f.assertGolden("drift-k3s-version.json", json.out());
        assertContains(text.out(), "      ~ version = \"v1.31.3+k3s1\" -> \"v1.31.4+k3s1\"\n");
    }

    @Test
    void plan_reinstallsDockerRemovedByHand() throws Exception {
        PlanFixture f = provisioned();
        f.sudo("pi-worker-2", "apt-get remove -y docker.io");

        CliRunner.Result text = f.plan();
        CliRunner.Result json = f.plan("--json");

        assertEquals(0, text.exitCode(), text.all());
        f.assertGolden("drift-docker-removed.txt", text.out());
        f.assertGolden("drift-docker-removed.json", json.out());
        assertContains(text.out(), "  # runtime.docker[\"pi-worker-2\"] will be created\n");
        assertContains(text.out(), "      + docker_installed = true\n");
    }

    @Test
    void plan_replacesStorageClassWhenProvisionerChanges() throws Exception {
        PlanFixture f = provisioned();
        f.kubectl("delete storageclass local-storage");
        f.sudo("pi-server-1", "printf '%s' '" + PlanFixture.SC_YAML.formatted("rancher.io/local-path")
                + "' | kubectl apply -f -");

        CliRunner.Result text = f.plan("--detailed-exitcode");
        CliRunner.Result json = f.plan("--json");

        assertEquals(2, text.exitCode(), text.all());
        f.assertGolden("drift-storage-class-provisioner.txt", text.out());
        f.assertGolden("drift-storage-class-provisioner.json", json.out());
        assertContains(text.out(), "  # storage_class.local-storage must be replaced\n");
        assertContains(text.out(), "      ~ provisioner = \"rancher.io/local-path\" -> \"kubernetes.io/no-provisioner\" "
                + "# forces replacement\n");
        JsonNode sc = changeOf(json.out(), "storage_class.local-storage");
        assertEquals("[\"delete\",\"create\"]", sc.at("/change/actions").toString());
        assertEquals("cannot_update_in_place", sc.get("action_reason").asText());
    }

    @Test
    void plan_recreatesAPersistentVolumeDeletedByHand() throws Exception {
        PlanFixture f = provisioned();
        f.kubectl("delete pv local-pv-1");

        CliRunner.Result text = f.plan();
        CliRunner.Result json = f.plan("--json");

        assertEquals(0, text.exitCode(), text.all());
        f.assertGolden("drift-pv-deleted.txt", text.out());
        f.assertGolden("drift-pv-deleted.json", json.out());
        assertContains(text.out(), "  # pv.local-pv-1 will be created\n");
        assertContains(text.out(), "      + path           = \"/mnt/local-storage\"\n");
    }

    // ---- a node removed from the description (hand-written v1 state) ---------------------------------------------

    @Test
    void plan_deletesANodeRemovedFromTheDescription_inReverseDependencyOrder() throws Exception {
        PlanFixture f = provisioned(PlanFixture.resource("seed-without-worker-3.hcl"),
                List.of("pi-server-1", "pi-worker-1", "pi-worker-2"));
        f.useState("worker-3-removed.state.json");

        CliRunner.Result text = f.plan("--detailed-exitcode");
        CliRunner.Result json = f.plan("--json");

        assertEquals(2, text.exitCode(), text.all());
        f.assertGolden("node-removed.txt", text.out());
        f.assertGolden("node-removed.json", json.out());
        List<String> order = new ArrayList<>();
        for (JsonNode c : assertValidPlanJson(json.out()).get("resource_changes")) {
            if (c.get("action").asText().equals("delete")) {
                order.add(c.get("address").asText());
                assertEquals("removed_from_config", c.get("action_reason").asText());
            }
        }
        assertEquals(List.of("k3s_agent.workers[\"pi-worker-3\"]", "runtime.docker[\"pi-worker-3\"]",
                "kernel_params.cgroups[\"pi-worker-3\"]", "node.pi-worker-3"), order);
        assertContains(text.out(), "pi-worker-3 (no longer in the configuration)");
        assertContains(text.out(), "  # node.pi-worker-3 will be destroyed\n"
                + "  # (because node.pi-worker-3 is not in the configuration)\n  - node \"pi-worker-3\" {\n");
        assertContains(text.out(), "Plan: 0 to add, 0 to change, 4 to destroy.");
    }

    // ---- --target and an unreachable node (fresh fleet) ------------------------------------------------------------

    @Test
    void plan_withTarget_coversOnlyThatResourceAndWhatItDependsOn() {
        CliRunner.Result text = fresh.plan("--target", "k3s_agent.workers[pi-worker-2]");
        CliRunner.Result json = fresh.plan("--json", "--target", "k3s_agent.workers[pi-worker-2]");

        assertEquals(0, text.exitCode(), text.all());
        fresh.assertGolden("target-agent.txt", text.out());
        fresh.assertGolden("target-agent.json", json.out());
        JsonNode plan = assertValidPlanJson(json.out());
        assertEquals("[\"k3s_agent.workers[\\\"pi-worker-2\\\"]\"]", plan.get("targets").toString());
        List<String> addresses = new ArrayList<>();
        plan.get("resource_changes").forEach(c -> addresses.add(c.get("address").asText()));
        assertEquals(List.of("node.pi-server-1", "node.pi-worker-2", "kernel_params.cgroups[\"pi-server-1\"]",
                "kernel_params.cgroups[\"pi-worker-2\"]", "runtime.docker[\"pi-server-1\"]",
                "runtime.docker[\"pi-worker-2\"]", "k3s_server.control", "k3s_agent.workers[\"pi-worker-2\"]"),
                addresses);
        assertNotContains(text.out(), "pi-worker-1");
        assertNotContains(text.out(), "pi-worker-3");
    }

    @Test
    void plan_withAnUnreachableNode_coversTheOthers_marksItsResourcesUnknown_exit1() throws Exception {
        fresh.node("pi-worker-2").setUnreachable(Unreachable.REFUSED);
        try {
            CliRunner.Result text = fresh.plan("--detailed-exitcode");
            CliRunner.Result json = fresh.plan("--json");

            assertEquals(1, text.exitCode(), text.all());
            assertEquals(1, json.exitCode(), json.all());
            fresh.assertGolden("unreachable.txt", text.out());
            fresh.assertGolden("unreachable.json", json.out());
            assertContains(text.err(), "cluster.hcl:19:1: pi-worker-2 could not be probed; its resources are unknown");
            assertContains(text.out(), "  ? kernel_params.cgroups[\"pi-worker-2\"]: ");
            assertContains(text.out(), "# kernel_params.cgroups[\"pi-worker-1\"] will be created");
            JsonNode plan = assertValidPlanJson(json.out());
            assertTrue(plan.get("errored").booleanValue());
            List<String> unknown = new ArrayList<>();
            plan.get("unknown").forEach(u -> unknown.add(u.get("address").asText()));
            assertEquals(List.of("node.pi-worker-2", "kernel_params.cgroups[\"pi-worker-2\"]",
                    "runtime.docker[\"pi-worker-2\"]", "k3s_agent.workers[\"pi-worker-2\"]"), unknown);
        } finally {
            fresh.node("pi-worker-2").setUnreachable(null);
        }
    }

    static JsonNode changeOf(String json, String address) {
        for (JsonNode c : assertValidPlanJson(json).get("resource_changes")) {
            if (c.get("address").asText().equals(address)) {
                return c;
            }
        }
        throw new AssertionError(address + " not in the plan:\n" + json);
    }
}
