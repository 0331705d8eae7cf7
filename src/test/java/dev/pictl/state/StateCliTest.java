package dev.pictl.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pictl state list | show | rm} through the real CLI, on the hand-written seed state. */
@Tag("fast")
class StateCliTest {
    private static final Path FIXTURE = Path.of("src/test/resources/state/roundtrip/seed.in.json");
    private static final Path GOLDEN = Path.of("src/test/resources/state/golden");
    private static final Map<String, String> ENV = Map.of("NO_COLOR", "1");

    @TempDir
    Path dir;
    private Path state;
    private String original;

    @BeforeEach
    void seedState() throws Exception {
        state = dir.resolve("pictl.state.json");
        Files.copy(FIXTURE, state);
        Files.writeString(dir.resolve("cluster.hcl"), "");
        original = Files.readString(state);
    }

    private CliRunner.Result pictl(String... args) {
        return CliRunner.run(dir, ENV, args);
    }

    @Test
    void list_printsEveryAddressSorted_fromTheConfigDirectory() {
        CliRunner.Result r = pictl("state", "list");

        assertEquals(0, r.exitCode(), r.all());
        Golden.assertMatches(GOLDEN.resolve("list.txt"), r.out());
        assertEquals("", r.err());
        assertEquals(r.out(), pictl("state", "list", "-c", "cluster.hcl").out());
        assertEquals(r.out(), CliRunner.run(Path.of("").toAbsolutePath(), ENV, "state", "list", "--state", state.toString()).out());
    }

    @Test
    void list_filtersByInstanceOrBlock() {
        assertEquals("node.pi-server-1\nnode.pi-worker-1\n", pictl("state", "list", "node.pi-worker-1", "node.pi-server-1").out());
        assertEquals("kernel_params.cgroups[\"pi-worker-1\"]\n", pictl("state", "list", "kernel_params.cgroups").out());
    }

    @Test
    void list_withNoStateYet_printsNothingAndSaysSo() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliRunner.Result r = CliRunner.run(empty, ENV, "state", "list");

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("", r.out());
        assertEquals("No state at " + empty.resolve("pictl.state.json") + ": nothing has been applied yet.\n", r.err());
    }

    @Test
    void show_printsAttributes_andSecretsAsSensitiveValue() {
        CliRunner.Result r = pictl("state", "show", "k3s_server.control");

        assertEquals(0, r.exitCode(), r.all());
        Golden.assertMatches(GOLDEN.resolve("show-k3s-server.txt"), r.out());
        assertTrue(r.out().contains("    token   = (sensitive value)\n"), r.out());
        assertFalse(r.out().contains("hmac-sha256"), "not even the hash is shown");
    }

    @Test
    void show_ofAnInterruptedInstance_saysSo_andAcceptsTheKeyWithoutQuotes() {
        CliRunner.Result r = pictl("state", "show", "kernel_params.cgroups[pi-worker-1]");

        assertEquals(0, r.exitCode(), r.all());
        Golden.assertMatches(GOLDEN.resolve("show-kernel-params-in-progress.txt"), r.out());
    }

    /** show --json of a state prints the file; with no state yet, a document of the same schema (issue 19). */
    @Test
    void showJson_withAndWithoutAState_validatesAgainstTheStateSchema() throws Exception {
        CliRunner.Result with = pictl("show", "--json");
        assertEquals(0, with.exitCode(), with.all());
        assertEquals(original, with.out());
        assertEquals(List.of(), StateTesting.violations(with.out()));

        Files.delete(state);
        CliRunner.Result none = pictl("show", "--json");
        assertEquals(0, none.exitCode(), none.all());
        assertEquals(List.of(), StateTesting.violations(none.out()), none.out());
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(none.out());
        assertEquals(0, doc.get("serial").intValue());
        assertTrue(doc.get("lineage").isNull());
        assertEquals(0, doc.get("resources").size());
        assertFalse(Files.exists(state), "show writes nothing");

        // The schema keeps the no-state form apart: serial 0 only with no lineage and no resources, and a real
        // state (serial 1 and up) always with a lineage.
        assertFalse(StateTesting.violations(none.out().replace("\"lineage\": null",
                "\"lineage\": \"6b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"")).isEmpty());
        assertFalse(StateTesting.violations(none.out().replace("\"serial\": 0", "\"serial\": 1")).isEmpty());
    }

    @Test
    void show_ofAnUnknownAddress_failsWithDidYouMean() {
        CliRunner.Result r = pictl("state", "show", "node.pi-wroker-1");

        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("Error: no resource instance node.pi-wroker-1 in the state; did you mean node.pi-worker-1?\n\n"
                + "  'pictl state list' shows the addresses the state holds.\n"
                + "  State file: " + state + "\n", r.err());
    }

    @Test
    void show_ofSomethingThatIsNotAnAddress_isAUsageError() {
        CliRunner.Result r = pictl("state", "show", "pi-worker-1");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("Error: 'pi-worker-1' is not a resource address: expected type.name or"), r.err());
    }

    @Test
    void rm_removesInstances_writesANewSerialAndKeepsABackup() throws Exception {
        CliRunner.Result r = pictl("state", "rm", "node.pi-server-1", "kernel_params.cgroups[\"pi-worker-1\"]");

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("Removed node.pi-server-1\nRemoved kernel_params.cgroups[\"pi-worker-1\"]\n"
                + "Successfully removed 2 resource instance(s).\n"
                + "pictl no longer manages them: plan shows them as not managed and apply leaves them alone. To manage"
                + " one again: pictl import ADDR (with the options you plan with).\n", r.out());
        assertTrue(Files.readString(Path.of("docs/state.md")).contains("```\n" + r.out() + "```\n"),
                "docs/state.md shows this output as pictl prints it");
        assertEquals("", r.err());
        State after = StateTesting.store(dir).read();
        assertEquals(List.of("kernel_params.cgroups[\"pi-worker-1\"]", "node.pi-server-1"),
                after.unmanaged().stream().map(Object::toString).toList(), "remembered as not managed (issue 19)");
        assertEquals(13, after.serial());
        assertEquals("3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b", after.lineage());
        assertEquals(List.of("k3s_server.control", "node.pi-worker-1", "pv.local-pv-1"),
                after.addresses().stream().map(Object::toString).toList());
        assertEquals(original, Files.readString(dir.resolve("pictl.state.json.backup")));
        assertEquals(List.of(), StateTesting.violations(Files.readString(state)));
        assertEquals("k3s_server.control\nnode.pi-worker-1\npv.local-pv-1\n", pictl("state", "list").out());
        assertEquals("", Files.readString(dir.resolve("pictl.state.json.lock")), "lock released");
    }

    @Test
    void rm_ofABlockAddress_removesAllItsInstances() {
        CliRunner.Result r = pictl("state", "rm", "kernel_params.cgroups", "--dry-run");
        assertEquals("Would remove kernel_params.cgroups[\"pi-worker-1\"]\nWould have removed 1 resource instance(s).\n",
                r.out());
        assertEquals(original, StateTesting.read(state), "a dry run changes nothing");
    }

    @Test
    void rm_ofAnUnknownAddress_failsAndRemovesNothing() {
        CliRunner.Result r = pictl("state", "rm", "node.pi-worker-1", "pv.local-pv-2", "node.nope");

        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("Error: no resource instance pv.local-pv-2 in the state; did you mean pv.local-pv-1?\n\n"
                + "  'pictl state list' shows the addresses the state holds.\n"
                + "  State file: " + state + "\n\n"
                + "Error: no resource instance node.nope in the state\n\n"
                + "  'pictl state list' shows the addresses the state holds.\n"
                + "  State file: " + state + "\n", r.err());
        assertEquals(original, StateTesting.read(state));
        assertFalse(Files.exists(dir.resolve("pictl.state.json.backup")));
    }

    @Test
    void rm_whileAnotherRunHoldsTheLock_failsNamingIt() throws Exception {
        try (StateLock held = StateTesting.store(dir).lock("pictl apply")) {
            CliRunner.Result r = pictl("state", "rm", "node.pi-worker-1");

            assertEquals(1, r.exitCode());
            assertTrue(r.err().startsWith("Error: state is locked by " + held.holder().user() + "@"), r.err());
            assertTrue(r.err().contains("(pid " + ProcessHandle.current().pid() + ")"), r.err());
            assertTrue(r.err().contains("running `pictl apply`"), r.err());
        }
        assertEquals(original, StateTesting.read(state));
    }

    @Test
    void corruptState_isRefusedByEveryCommand_withoutAStackTrace() throws Exception {
        Files.writeString(state, "{\"format_version\": 1, \"serial\": 1, \"serial\": 2}");
        for (String[] args : List.of(new String[] {"state", "list"}, new String[] {"state", "show", "node.a"},
                new String[] {"state", "rm", "node.a"})) {
            CliRunner.Result r = pictl(args);

            assertEquals(1, r.exitCode(), r.all());
            assertTrue(r.err().startsWith("Error: pictl.state.json is not a valid pictl state file\n\n"
                    + "  not valid JSON: line 1, column 44: Duplicate field 'serial'"), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void newerFormat_isRefusedWithUpgradeAdvice() throws Exception {
        Files.writeString(state, "{\"format_version\": 2}");
        CliRunner.Result r = pictl("state", "list");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("Error: pictl.state.json was written by a newer pictl (format 2); this pictl reads"
                + " format 1. Upgrade pictl.\n"), r.err());
    }

    @Test
    void stateWithoutSubcommand_printsUsageAndFails() {
        CliRunner.Result r = pictl("state");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("list") && r.err().contains("show") && r.err().contains("rm"), r.err());
    }
}
