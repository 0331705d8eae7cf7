package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanCodec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.state.SecretHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken states and saved plans (#11 class 9), each refused with a clear message before anything runs, never an
 * "internal error": state entries of a resource type this pictl does not know (plan, drift and apply refuse naming
 * the file and the entry; {@code state rm} forgets it); serials no write can follow; saved plans (signed with the
 * state's key, so that only the reader and the re-derivation stand between them and the boards) with a value of
 * the wrong type, a duplicated entry, or the edits.
 */
class BrokenStateAndPlanE2eTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path tmp;

    /** The seed running on provisioned boards, pi-worker-2 with the stock hostname; a state from a first apply. */
    private E2e started(String base, int port) throws Exception {
        List<NodeSpec> boards = new ArrayList<>(E2e.provisionedSeedBoards(base, port, E2e.VERSION));
        boards.set(2, boards.get(2).withProvision(boards.get(2).provision().withHostname(false)));
        E2e f = E2e.start(tmp, E2e.seed(), boards).withToken(E2e.TOKEN);
        CliRunner.Result first = f.apply("--target", "node.pi-worker-1");
        assertEquals(0, first.exitCode(), first.all());
        return f;
    }

    @Test
    void unknownResourceTypesInTheState_planDriftAndApplyRefuseNamingTheEntry_stateRmForgetsIt() throws Exception {
        try (E2e f = started("127.0.85.", 24653)) {
            ObjectNode state = (ObjectNode) JSON.readTree(f.state().toFile());
            ArrayNode resources = (ArrayNode) state.get("resources");
            ObjectNode template = (ObjectNode) resources.get(0);
            for (String[] e : new String[][] {{"k3s_ha.control", "k3s_ha", "control", null},
                    {"gpu_driver.nvidia[\"pi-worker-1\"]", "gpu_driver", "nvidia", "pi-worker-1"}}) {
                ObjectNode r = template.deepCopy();
                r.put("address", e[0]).put("type", e[1]).put("name", e[2]).put("key", e[3]);
                r.putArray("dependencies").add("node.pi-worker-1");
                resources.add(r);
            }
            Files.writeString(f.state(), JSON.writeValueAsString(state) + "\n");
            String bytes = Files.readString(f.state());
            Map<String, Long> execs = f.execCounts();

            for (String[] command : new String[][] {{"plan"}, {"drift"}, {"apply", "--auto-approve"}}) {
                CliRunner.Result r = f.withSim(command[0], java.util.Arrays.copyOfRange(command, 1, command.length));
                assertEquals(1, r.exitCode(), command[0] + "\n" + r.all());
                assertContains(r.err(), "Error: pictl.state.json has 2 entries of a resource type this pictl does not"
                        + " know: gpu_driver.nvidia[\"pi-worker-1\"], k3s_ha.control\n");
                assertContains(r.err(), "The entry k3s_ha.control has type \"k3s_ha\"; ");
                assertContains(r.err(), "this pictl manages node, kernel_params, boot_config, runtime");
                assertContains(r.err(), "pictl state rm 'gpu_driver.nvidia[\"pi-worker-1\"]' 'k3s_ha.control'");
                assertContains(r.err(), "File: " + f.state());
                assertNotContains(r.all(), "internal error");
                assertNotContains(r.all(), "Exception");
                assertEquals(execs, f.execCounts(), command[0] + ": refused before a board was probed");
                assertEquals(bytes, Files.readString(f.state()), command[0] + ": the state untouched");
            }

            CliRunner.Result list = f.pictl("state", "list");
            assertEquals(0, list.exitCode(), list.all());
            assertContains(list.out(), "k3s_ha.control\n");
            CliRunner.Result rm = f.pictl("state", "rm", "k3s_ha.control");
            assertEquals(0, rm.exitCode(), rm.all());
            CliRunner.Result next = f.plan();
            assertEquals(1, next.exitCode(), next.all());
            assertContains(next.err(), "has an entry of a resource type this pictl does not know: "
                    + "gpu_driver.nvidia[\"pi-worker-1\"]\n");
            assertContains(next.err(), "pictl state rm 'gpu_driver.nvidia[\"pi-worker-1\"]'");
            assertEquals(0, f.pictl("state", "rm", "gpu_driver.nvidia[\"pi-worker-1\"]").exitCode());

            CliRunner.Result plan = f.plan("--detailed-exitcode");
            assertEquals(2, plan.exitCode(), plan.all());
            CliRunner.Result applied = f.apply();
            assertEquals(0, applied.exitCode(), applied.all());
            f.assertSeedRunning(E2e.SEED_NODES);
        }
    }

    @Test
    void serialsNoWriteCanFollow_areRefusedByEveryWriterBeforeAnythingRuns() throws Exception {
        try (E2e f = started("127.0.86.", 24654)) {
            String original = Files.readString(f.state());
            String serial = "\"serial\": " + JSON.readTree(original).get("serial").asLong() + ",";
            assertContains(original, serial);
            for (long huge : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, 1L << 53}) {
                String edited = original.replace(serial, "\"serial\": " + huge + ",");
                Files.writeString(f.state(), edited);
                Map<String, Long> execs = f.execCounts();
                List<CliRunner.Result> writers = List.of(f.apply(), f.pictl("state", "rm", "node.pi-worker-1"));
                for (CliRunner.Result r : writers) {
                    assertEquals(1, r.exitCode(), r.all());
                    assertContains(r.err(), "pictl.state.json cannot be written again: its serial " + huge
                            + " is larger than any count of writes");
                    assertContains(r.err(), "Restore pictl.state.json.backup");
                    assertNotContains(r.all(), "internal error");
                }
                assertEquals(execs, f.execCounts(), huge + ": no board was touched");
                assertEquals(edited, Files.readString(f.state()), huge + ": nothing written");
                // Readers still read it.
                assertEquals(2, f.plan("--detailed-exitcode").exitCode());
            }
            // Too large for any integer, or not an integer: the reader refuses it as a broken file.
            for (String bad : new String[] {"99999999999999999999", "1e30", "-1"}) {
                Files.writeString(f.state(), original.replace(serial, "\"serial\": " + bad + ","));
                for (CliRunner.Result r : List.of(f.plan(), f.apply())) {
                    assertEquals(1, r.exitCode(), r.all());
                    assertContains(r.err(), "pictl.state.json is not a valid pictl state file");
                    assertContains(r.err(), "serial");
                    assertNotContains(r.all(), "internal error");
                }
            }
            // The largest serial a writer still starts from: the apply runs and writes.
            Files.writeString(f.state(), original.replace(serial, "\"serial\": " + ((1L << 53) - 1) + ","));
            CliRunner.Result applied = f.apply();
            assertEquals(0, applied.exitCode(), applied.all());
            assertTrue(JSON.readTree(f.state().toFile()).get("serial").asLong() >= 1L << 53);
        }
    }

    @Test
    void savedPlansWithWrongTypesOrDuplicates_evenSignedWithTheKey_areRefusedBeforeAnythingRuns() throws Exception {
        try (E2e f = started("127.0.87.", 24655)) {
            f.sudo("pi-worker-3", "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");
            assertEquals(0, f.plan("--out", "good.plan").exitCode());
            ObjectNode good = (ObjectNode) JSON.readTree(f.dir.resolve("good.plan").toFile());
            SecretHasher key = new SecretHasher(HexFormat.of().parseHex(E2e.STATE_KEY));
            String stateBefore = Files.readString(f.state());
            List<String> events = f.events();

            record Case(String what, Consumer<ObjectNode> edit, String expected) {
            }
            List<Case> cases = List.of(
                    new Case("reboot as a string", p -> change(p, "kernel_params").put("reboot", "yes"),
                            "reboot: not true or false"),
                    new Case("a PV path as a number", p -> ((ObjectNode) change(p, "pv").get("change").get("after"))
                            .put("path", 7), "change.after.path"),
                    new Case("a PV path made /etc", p -> ((ObjectNode) change(p, "pv").get("change").get("after"))
                            .put("path", "/etc"), "change.after.path"),
                    new Case("init=/bin/sh added to a kernel_params update", p -> ((ArrayNode) change(p,
                            "kernel_params").get("change").get("after").get("add")).add("init=/bin/sh"),
                            "change.after.add"),
                    new Case("an action of another type", p -> change(p, "pv").put("action", 1), "action: not a string"),
                    new Case("actions as an object", p -> ((ObjectNode) change(p, "pv").get("change")).putObject("actions"),
                            "change.actions"),
                    new Case("the PV's entry twice", p -> ((ArrayNode) p.get("resource_changes"))
                            .add(change(p, "pv").deepCopy()), "a second entry for pv.local-pv-1"),
                    new Case("the kernel_params entry twice, one of them a no-op", p -> {
                        ObjectNode copy = change(p, "kernel_params").deepCopy();
                        copy.put("action", "no-op");
                        ((ArrayNode) p.get("resource_changes")).insert(0, copy);
                    }, "a second entry for kernel_params.cgroups[\"pi-worker-3\"]"),
                    new Case("a serial as a string", p -> ((ObjectNode) p.get("prior_state")).put("serial", "7"),
                            "prior_state.serial: not a serial number"));
            for (Case c : cases) {
                ObjectNode edited = good.deepCopy();
                edited.remove("signature");
                c.edit.accept(edited);
                edited.put("signature", PlanCodec.sign(edited, key));
                Files.writeString(f.dir.resolve("edited.plan"), JSON.writeValueAsString(edited));
                CliRunner.Result r = f.withSim("apply", "edited.plan");
                assertEquals(1, r.exitCode(), c.what + "\n" + r.all());
                assertContains(r.err(), c.expected);
                assertContains(r.err(), "Nothing was run.");
                assertNotContains(r.all(), "internal error");
                assertNotContains(r.out(), "Modifying...");
                assertEquals(stateBefore, Files.readString(f.state()), c.what + ": no in_progress write");
                assertEquals(events, f.events(), c.what + ": nothing ran on a board");
            }
            CliRunner.Result applied = f.withSim("apply", "good.plan", "--reboot-timeout", "20");
            assertEquals(0, applied.exitCode(), applied.all());
            f.assertSeedRunning(E2e.SEED_NODES);
        }
    }

    @Test
    void aNewCluster_planOutMakesTheKeyNotTheState_andTheFileApplies() throws Exception {
        List<NodeSpec> boards = new ArrayList<>(E2e.provisionedSeedBoards("127.0.88.", 24656, E2e.VERSION));
        try (E2e f = E2e.start(tmp, E2e.seed(), boards).withToken(E2e.TOKEN)) {
            Files.delete(f.dir.resolve("pictl.state.key"));
            CliRunner.Result made = f.plan("--out", "first.plan");
            assertEquals(0, made.exitCode(), made.all());
            assertTrue(Files.exists(f.dir.resolve("pictl.state.key")), "plan --out made the key");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(f.dir.resolve("pictl.state.key"))));
            assertTrue(!Files.exists(f.state()), "and wrote no state");
            CliRunner.Result applied = f.withSim("apply", "first.plan");
            assertEquals(0, applied.exitCode(), applied.all());
            assertContains(applied.out(), "Apply complete!");
            f.assertSeedRunning(E2e.SEED_NODES);
        }
    }

    /** The resource_changes entry of a change (not a no-op) to a resource of {@code type}. */
    private static ObjectNode change(ObjectNode plan, String type) {
        for (var c : plan.get("resource_changes")) {
            if (c.get("type").asText().equals(type) && !c.get("action").asText().equals("no-op")) {
                return (ObjectNode) c;
            }
        }
        throw new AssertionError("no " + type + " change in the plan");
    }
}
