package dev.pictl.plan;

import static dev.pictl.plan.PlanFixture.assertContains;
import static dev.pictl.plan.PlanFixture.assertNotContains;
import static dev.pictl.plan.PlanFixture.assertValidPlanJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.CliRunner;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.Version;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateStore;
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
 * Round trips through the state and saved plans, each on a provisioned seed fleet of its own with the
 * hand-written state of that cluster ({@code plan/seed.state.json}, lineage 6b1f…, serial 7) and the token given
 * as a sensitive variable: {@code plan --refresh-only} → {@code apply --refresh-only} → {@code plan --refresh-only};
 * {@code state rm} then {@code plan}; corrupt and foreign-lineage states; {@code plan --out} → {@code show};
 * {@code --destroy}; and the token in no output and no file pictl wrote.
 */
class PlanRoundTripTest {
    private static final int PORT = 24612;
    private static final AtomicInteger NEXT_NET = new AtomicInteger(91);
    private static final String LINEAGE = "6b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final String KP2 = "kernel_params.cgroups[\"pi-worker-2\"]";
    private static final String REMOVE_MEMORY_FLAG =
            "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"";

    @TempDir
    Path dir;
    PlanFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private PlanFixture seedWithState() throws Exception {
        f = PlanFixture.start(dir, PlanFixture.resource("seed.hcl"),
                PlanFixture.seedBoards("127.0." + NEXT_NET.getAndIncrement() + ".", PORT, true),
                Map.of("PICTL_VAR_k3s_token", PlanFixture.TOKEN));
        f.useState("seed.state.json");
        return f;
    }

    private State state() throws StateException {
        return StateStore.at(f.state(), Version.current()).read();
    }

    private static ResourceAddress addr(String text) {
        return ResourceAddress.parse(text).orElseThrow();
    }

    // ---- --refresh-only ------------------------------------------------------------------------------------------

    @Test
    void refreshOnly_showsDrift_applyRecordsIt_thenNoChanges() throws Exception {
        seedWithState();
        CliRunner.Result clean = f.plan("--refresh-only", "--detailed-exitcode");
        assertEquals(0, clean.exitCode(), clean.all());
        assertEquals("No changes. Your cluster still matches the configuration.\n", clean.out());

        f.sudo("pi-worker-2", REMOVE_MEMORY_FLAG);
        String before = f.sha256(f.state());
        CliRunner.Result text = f.plan("--refresh-only");
        CliRunner.Result detailed = f.plan("--refresh-only", "--detailed-exitcode");
        CliRunner.Result json = f.plan("--refresh-only", "--json");

        assertEquals(0, text.exitCode(), text.all());
        assertEquals(2, detailed.exitCode(), detailed.all());
        f.assertGolden("refresh-only.txt", text.out());
        f.assertGolden("refresh-only.json", json.out());
        assertContains(text.out(), "  # " + KP2 + " has changed\n      ~ add = [\n"
                + "            \"cgroup_enable=cpuset\",\n"
                + "            \"cgroup_memory=1\",\n"
                + "          - \"cgroup_enable=memory\",\n"
                + "        ]\n");
        // the suggestion reaches the same simulator and description (issue 19)
        assertContains(text.out(), "run `pictl apply -c cluster.hcl --sim=sim --refresh-only` to record these changes");
        JsonNode plan = assertValidPlanJson(json.out());
        assertEquals(0, plan.get("resource_changes").size());
        assertEquals(KP2, plan.at("/resource_drift/0/address").asText());
        assertEquals(before, f.sha256(f.state()), "plan must not write the state");

        CliRunner.Result apply = f.apply("--refresh-only", "--auto-approve");

        assertEquals(0, apply.exitCode(), apply.all());
        assertContains(apply.out(), "Apply complete! Recorded 1 changed and 0 deleted resource(s) into the state "
                + "(serial 8). No node was changed.");
        State after = state();
        assertEquals(8, after.serial());
        assertEquals(LINEAGE, after.lineage());
        ResourceState kp = after.resource(addr(KP2)).orElseThrow();
        assertEquals(List.of("cgroup_enable=cpuset", "cgroup_memory=1"), kp.attributes().get("add"));
        assertTrue(kp.fingerprint().startsWith("sha256:"), kp.fingerprint());
        assertEquals(PlanFixture.resource("seed.state.json"), Files.readString(dir.resolve("pictl.state.json.backup")));

        CliRunner.Result again = f.plan("--refresh-only", "--detailed-exitcode");
        assertEquals(0, again.exitCode(), again.all());
        assertEquals("No changes. Your cluster still matches the configuration.\n", again.out());

        // The description still asks for the flag: a normal plan puts it back, and no longer reports drift.
        CliRunner.Result normal = f.plan();
        assertContains(normal.out(), "      ~ add = [\n"
                + "            \"cgroup_enable=cpuset\",\n"
                + "          + \"cgroup_enable=memory\",\n"
                + "            \"cgroup_memory=1\",\n"
                + "        ]\n");
        assertNotContains(normal.out(), "Objects have changed outside of pictl");
    }

    // ---- state rm ------------------------------------------------------------------------------------------------

    @Test
    void stateRm_thenPlan_plansThatResourceFromObservationAlone() throws Exception {
        seedWithState();
        f.sudo("pi-worker-3", "apt-get remove -y docker.io");
        String address = "runtime.docker[\"pi-worker-3\"]";

        CliRunner.Result known = f.plan();
        assertEquals(0, known.exitCode(), known.all());
        f.assertGolden("docker-removed-with-state.txt", known.out());
        assertContains(known.out(), "  # " + address + " has changed\n      ~ docker_installed = true -> false\n");
        assertContains(known.out(), "  # " + address + " will be updated in-place\n");
        assertContains(known.out(), "      ~ docker_installed = false -> true\n");

        CliRunner.Result rm = f.pictl("state", "rm", "-c", "cluster.hcl", address);
        assertEquals(0, rm.exitCode(), rm.all());
        assertContains(rm.out(), "Removed " + address);
        assertFalse(state().resource(addr(address)).isPresent());
        assertEquals(8, state().serial());
        CliRunner.Result list = f.pictl("state", "list", "-c", "cluster.hcl");
        assertNotContains(list.out(), address);
        assertContains(list.out(), "runtime.docker[\"pi-worker-2\"]");

        CliRunner.Result forgotten = f.plan();
        CliRunner.Result json = f.plan("--json");

        assertEquals(0, forgotten.exitCode(), forgotten.all());
        assertContains(forgotten.out(), "  # " + address + " will be created\n");
        assertContains(forgotten.out(), "      + docker_installed = true\n");
        assertNotContains(forgotten.out(), "Objects have changed outside of pictl");
        JsonNode plan = assertValidPlanJson(json.out());
        assertEquals(8, plan.at("/prior_state/serial").intValue());
        assertEquals(0, plan.get("resource_drift").size());
        assertEquals("create", PlanGoldenTest.changeOf(json.out(), address).get("action").asText());
    }

    // ---- refused states ------------------------------------------------------------------------------------------

    @Test
    void plan_refusesACorruptStateFile_namingIt() throws Exception {
        seedWithState();
        String corrupt = PlanFixture.resource("seed.state.json").replace("\"serial\": 7", "\"serial\": \"7\"");
        Files.writeString(f.state(), corrupt);

        CliRunner.Result r = f.plan("--detailed-exitcode");

        assertEquals(1, r.exitCode(), r.all());
        assertEquals("", r.out());
        assertContains(r.err(), "Error: pictl.state.json is not a valid pictl state file");
        assertContains(r.err(), "File: " + f.state());
        assertContains(r.err(), "restore the last good copy from pictl.state.json.backup");

        Files.writeString(f.state(), "{\"format_version\": 1, \"serial\": ");
        CliRunner.Result truncated = f.plan("--json");
        assertEquals(1, truncated.exitCode(), truncated.all());
        assertEquals("", truncated.out());
        assertContains(truncated.err(), "Error: pictl.state.json is not a valid pictl state file");
        assertEquals("{\"format_version\": 1, \"serial\": ", Files.readString(f.state()), "nothing may be rewritten");
    }

    /**
     * A plan made against one state cannot be recorded into a state of another lineage. The CLI has no way to hand
     * {@code apply --refresh-only} an old plan yet ({@code apply PLANFILE} is not built), so this goes through the
     * engine call the CLI makes, with a plan saved by {@code plan --refresh-only --out}.
     */
    @Test
    void recordDrift_refusesAStateOfAnotherLineage() throws Exception {
        seedWithState();
        f.sudo("pi-worker-2", REMOVE_MEMORY_FLAG);
        CliRunner.Result saved = f.plan("--refresh-only", "--out", "refresh.plan");
        assertEquals(0, saved.exitCode(), saved.all());
        Plan plan = PlanCodec.read(Files.readString(dir.resolve("refresh.plan")));
        assertEquals(LINEAGE, plan.lineage());
        String foreign = PlanFixture.resource("seed.state.json").replace(LINEAGE, "99999999-8888-4777-8666-555555555555");
        Files.writeString(f.state(), foreign);

        StateException e = assertThrows(StateException.class,
                () -> new Pictl().recordDrift(plan, f.state(), "pictl apply --refresh-only"));

        String message = e.diagnostic().summary() + "\n" + e.diagnostic().detail();
        assertContains(message, "is not the state this plan was made from");
        assertContains(message, "lineage " + LINEAGE);
        assertContains(message, "lineage 99999999-8888-4777-8666-555555555555");
        assertEquals(foreign, Files.readString(f.state()), "nothing may be written");
    }

    // ---- saved plans and show ------------------------------------------------------------------------------------

    @Test
    void planOut_savesLineageSerialConfigHashAndFingerprints_showRendersItAgain() throws Exception {
        seedWithState();
        f.sudo("pi-worker-2", REMOVE_MEMORY_FLAG);

        CliRunner.Result planned = f.plan("--out", "cgroups.plan", "--detailed-exitcode");
        CliRunner.Result json = f.plan("--json");

        assertEquals(2, planned.exitCode(), planned.all());
        assertContains(planned.out(), "\nSaved the plan to: cgroups.plan\n\nTo perform exactly these actions, run:\n"
                + "    pictl apply -c cluster.hcl --sim=sim cgroups.plan\n");
        String file = Files.readString(dir.resolve("cgroups.plan"));
        JsonNode saved = assertValidPlanJson(file);
        assertEquals(LINEAGE, saved.at("/prior_state/lineage").asText());
        assertEquals(7, saved.at("/prior_state/serial").intValue());
        assertEquals(assertValidPlanJson(json.out()).get("config_hash"), saved.get("config_hash"));
        assertTrue(saved.get("config_hash").asText().matches("sha256:[0-9a-f]{64}"));
        assertEquals(18, saved.get("resource_changes").size());
        for (JsonNode c : saved.get("resource_changes")) {
            assertTrue(c.get("fingerprint").asText().matches("sha256:[0-9a-f]{64}"), c.toString());
        }
        assertTrue(saved.get("signature").asText().matches("hmac-sha256:[0-9a-f]{64}"), file);
        assertEquals(json.out(), file.replaceFirst(",\n  \"signature\" : \"hmac-sha256:[0-9a-f]{64}\"\n}\n$", "\n}\n"),
                "the saved plan is exactly what --json prints, and its signature");

        CliRunner.Result show = f.pictl("show", "--no-color", "cgroups.plan");
        CliRunner.Result showJson = f.pictl("show", "--json", "cgroups.plan");

        assertEquals(0, show.exitCode(), show.all());
        assertEquals(0, showJson.exitCode(), showJson.all());
        f.assertGolden("saved-plan-show.txt", show.out());
        assertEquals(planned.out().substring(0, planned.out().indexOf("\nSaved the plan to:")), show.out());
        assertEquals(json.out(), showJson.out(), "show --json: the plan's document, without the signature");

        Files.writeString(dir.resolve("not-a.plan"), "{\"hello\": 1}");
        CliRunner.Result bad = f.pictl("show", "not-a.plan");
        assertEquals(1, bad.exitCode(), bad.all());
        assertContains(bad.err(), "Error: cannot read the plan not-a.plan: not a pictl plan file");
    }

    @Test
    void planOut_refusesToSaveAPlanWithUnknownResources() throws Exception {
        seedWithState();
        f.node("pi-worker-3").setUnreachable(dev.pictl.sim.Unreachable.REFUSED);

        CliRunner.Result r = f.plan("--out", "partial.plan");

        assertEquals(1, r.exitCode(), r.all());
        assertContains(r.err(), "Error: the plan has errors; not saved to partial.plan");
        assertFalse(Files.exists(dir.resolve("partial.plan")));
    }

    // ---- --destroy -----------------------------------------------------------------------------------------------

    @Test
    void planDestroy_deletesEverythingInTheState_dependentsFirst() throws Exception {
        seedWithState();

        CliRunner.Result text = f.plan("--destroy", "--detailed-exitcode");
        CliRunner.Result json = f.plan("--destroy", "--json");

        assertEquals(2, text.exitCode(), text.all());
        f.assertGolden("destroy.txt", text.out());
        f.assertGolden("destroy.json", json.out());
        assertContains(text.out(), "Plan: 0 to add, 0 to change, 18 to destroy.");
        assertContains(text.out(), "  # k3s_agent.workers[\"pi-worker-1\"] will be destroyed\n  # (because of --destroy)\n"
                + "  # pi-worker-1 is drained first\n");
        JsonNode plan = assertValidPlanJson(json.out());
        assertEquals("destroy", plan.get("mode").asText());
        List<String> order = new ArrayList<>();
        for (JsonNode c : plan.get("resource_changes")) {
            assertEquals("delete", c.get("action").asText(), c.toString());
            assertEquals("destroy_requested", c.get("action_reason").asText());
            order.add(c.get("address").asText());
        }
        assertEquals(18, order.size());
        // Every resource comes before everything it depends on.
        for (JsonNode c : plan.get("resource_changes")) {
            for (JsonNode d : c.get("dependencies")) {
                assertTrue(order.indexOf(c.get("address").asText()) < order.indexOf(d.asText()),
                        c.get("address").asText() + " must be deleted before " + d.asText() + ": " + order);
            }
        }
        for (String n : List.of("pi-worker-1", "pi-worker-2", "pi-worker-3")) {
            assertTrue(order.indexOf("k3s_agent.workers[\"" + n + "\"]") < order.indexOf("runtime.docker[\"" + n + "\"]"));
            assertTrue(order.indexOf("runtime.docker[\"" + n + "\"]") < order.indexOf("kernel_params.cgroups[\"" + n + "\"]"));
            assertTrue(order.indexOf("kernel_params.cgroups[\"" + n + "\"]") < order.indexOf("node." + n));
        }
        assertTrue(order.indexOf("pv.local-pv-1") < order.indexOf("storage_class.local-storage"));
        assertTrue(order.indexOf("storage_class.local-storage") < order.indexOf("k3s_server.control"));
    }

    // ---- secrets -------------------------------------------------------------------------------------------------

    @Test
    void theToken_isInNoOutput_savedPlan_orStateFile() throws Exception {
        seedWithState();
        // The token is real on the node: a test that cannot find it there could not find it anywhere.
        assertContains(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"").stdout(),
                PlanFixture.TOKEN);
        f.sudo("pi-worker-2", REMOVE_MEMORY_FLAG);

        List<CliRunner.Result> runs = new ArrayList<>();
        runs.add(f.plan());
        runs.add(f.plan("--json"));
        runs.add(f.plan("--out", "saved.plan"));
        runs.add(f.plan("--refresh-only", "--json", "--out", "refresh.plan"));
        runs.add(f.plan("--destroy", "--json"));
        runs.add(f.pictl("show", "saved.plan"));
        runs.add(f.pictl("show", "--json", "saved.plan"));
        runs.add(f.apply("--refresh-only", "--auto-approve"));
        runs.add(f.pictl("show", "-c", "cluster.hcl"));
        runs.add(f.pictl("show", "-c", "cluster.hcl", "--json"));
        runs.add(f.pictl("state", "show", "-c", "cluster.hcl", "k3s_server.control"));
        for (CliRunner.Result r : runs) {
            assertNotContains(r.out(), PlanFixture.TOKEN);
            assertNotContains(r.err(), PlanFixture.TOKEN);
        }
        assertEquals(0, runs.get(7).exitCode(), runs.get(7).all());
        assertContains(runs.get(0).out(), "Plan: 0 to add, 1 to change, 0 to destroy.");
        JsonNode server = PlanGoldenTest.changeOf(runs.get(1).out(), "k3s_server.control");
        assertTrue(server.at("/change/after/token").isNull(), server.toString());
        assertTrue(server.at("/change/after_sensitive/token").booleanValue(), server.toString());

        List<Path> written = f.writtenFiles();
        List<String> names = written.stream().map(p -> dir.relativize(p).toString()).toList();
        assertTrue(names.containsAll(List.of("saved.plan", "refresh.plan", "pictl.state.json",
                "pictl.state.json.backup", "pictl.state.json.lock")), names.toString());
        for (Path p : written) {
            assertNotContains(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1),
                    PlanFixture.TOKEN);
        }
    }
}
