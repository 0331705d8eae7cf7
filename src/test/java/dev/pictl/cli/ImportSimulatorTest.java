package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: {@code state rm} means "stop managing", and adoption is deliberate. On a simulated fleet: apply, then
 * {@code state rm} a resource; plan says it exists but is not managed (and how to adopt it) instead of adopting it,
 * apply leaves it out of the state, {@code pictl import} records it (holding the lock, refusing what the description
 * lacks or the state already has), and the plan is "No changes" again. Then: one that differs from the description is
 * imported as found (the next plan shows the update), and one gone from its node is refused (the plan creates it).
 * The real CLI in-process; docs/plan.md's examples are checked against what it prints.
 */
class ImportSimulatorTest {
    @TempDir
    Path work;

    private static final Map<String, String> ENV = Map.of("NO_COLOR", "1");

    private static final String HCL = """
            node "pi-1" { address = "192.168.77.10" }
            node "pi-2" { address = "192.168.77.11" }

            runtime "docker" {
              nodes  = [node.pi-1, node.pi-2]
              engine = "docker"
            }
            """;

    private CliRunner.Result pictl(String... args) {
        return CliRunner.run(work, ENV, args);
    }

    @Test
    void stateRm_thenPlanSaysNotManaged_applyLeavesIt_importAdoptsIt() throws Exception {
        Files.writeString(work.resolve("cluster.hcl"), HCL);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String first = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".10";
        CliRunner.Result start = pictl("sim", "start", "--first-address", first);
        assertEquals(0, start.exitCode(), start.all());
        try {
            CliRunner.Result applied = pictl("apply", "--sim", "--auto-approve");
            assertEquals(0, applied.exitCode(), applied.all());
            String docker = "runtime.docker[\"pi-2\"]";
            Path state = work.resolve("pictl.state.json");
            String inJson = docker.replace("\"", "\\\"");
            assertTrue(Files.readString(state).contains(inJson), Files.readString(state));

            CliRunner.Result rm = pictl("state", "rm", "runtime.docker[pi-2]");
            assertEquals(0, rm.exitCode(), rm.all());
            assertTrue(rm.out().contains("pictl import ADDR"), rm.out());
            assertTrue(Files.readString(state).contains("\"unmanaged\": [\n    \"" + inJson + "\"\n  ]"), Files.readString(state));

            CliRunner.Result show = pictl("show");
            assertTrue(show.out().endsWith("# Not managed (pictl state rm; pictl import manages one again):\n#   "
                    + docker + "\n"), show.out());

            // The next plan does not adopt it silently: it says so, and how to manage it again.
            CliRunner.Result plan = pictl("plan", "--sim", "--detailed-exitcode");
            assertEquals(0, plan.exitCode(), plan.all());
            assertTrue(plan.out().contains("No changes. What pictl manages matches the configuration."), plan.out());
            assertTrue(plan.out().contains("Not managed: these exist but are not in the state"), plan.out());
            assertTrue(plan.out().contains("  # " + docker + " (on pi-2)\n"), plan.out());
            assertTrue(plan.out().contains("To manage one again: pictl import --sim ADDR."), plan.out());
            String doc = Files.readString(Path.of("docs/plan.md"));
            String shown = plan.out().substring(plan.out().indexOf("No changes."));
            assertTrue(doc.contains("```\n" + shown + "```\n"), "docs/plan.md shows this plan as pictl prints it:\n"
                    + shown);
            CliRunner.Result json = pictl("plan", "--sim", "--json");
            com.fasterxml.jackson.databind.JsonNode doc2 = dev.pictl.plan.PlanFixture.assertValidPlanJson(json.out());
            com.fasterxml.jackson.databind.JsonNode change = null;
            for (com.fasterxml.jackson.databind.JsonNode c : doc2.get("resource_changes")) {
                change = c.get("address").asText().equals(docker) ? c : change;
            }
            assertTrue(change != null, json.out());
            assertEquals("not_managed", change.get("action_reason").asText(), json.out());
            assertEquals("no-op", change.get("action").asText());
            assertTrue(change.at("/change/after").isNull(), change.toString());
            assertEquals(0, doc2.at("/summary/add").intValue());

            // Apply neither changes nor records it.
            CliRunner.Result again = pictl("apply", "--sim", "--auto-approve");
            assertEquals(0, again.exitCode(), again.all());
            CliRunner.Result list = pictl("state", "list");
            assertFalse(list.out().contains(docker), list.out());

            // Import refuses what the description lacks, and what the state already manages; records nothing.
            CliRunner.Result unknown = pictl("import", "--sim", "runtime.dockr[pi-2]");
            assertEquals(1, unknown.exitCode(), unknown.all());
            assertTrue(unknown.err().contains("no resource runtime.dockr[\"pi-2\"] in the description; did you mean"),
                    unknown.err());
            CliRunner.Result managed = pictl("import", "--sim", "runtime.docker[pi-1]");
            assertEquals(1, managed.exitCode(), managed.all());
            assertTrue(managed.err().contains("runtime.docker[\"pi-1\"] is already managed by pictl"), managed.err());

            // Import adopts it deliberately and says what it recorded.
            CliRunner.Result imported = pictl("import", "--sim", "runtime.docker[pi-2]");
            assertEquals(0, imported.exitCode(), imported.all());
            assertTrue(imported.out().startsWith("# " + docker + ":\nruntime \"docker\" {\n"), imported.out());
            assertTrue(imported.out().contains("Import successful! 1 resource instance(s) recorded"), imported.out());
            assertTrue(doc.contains("$ pictl import --sim 'runtime.docker[\"pi-2\"]'\n" + imported.out() + "```\n"),
                    "docs/plan.md shows the import as pictl prints it:\n" + imported.out());
            assertFalse(Files.readString(state).contains("\"unmanaged\""), Files.readString(state));
            assertTrue(pictl("state", "list").out().contains(docker));

            CliRunner.Result clean = pictl("plan", "--sim", "--detailed-exitcode");
            assertEquals(0, clean.exitCode(), clean.all());
            assertTrue(clean.out().contains("No changes. Your cluster matches the configuration."), clean.out());
            assertFalse(clean.out().contains("Not managed"), clean.out());

            // One that differs is recorded as found: the next plan shows the difference.
            String docker1 = "runtime.docker[\"pi-1\"]";
            assertEquals(0, pictl("state", "rm", docker1).exitCode());
            CliRunner.Result stop = pictl("sim", "exec", "pi-1", "--", "sudo systemctl stop docker");
            assertEquals(0, stop.exitCode(), stop.all());
            CliRunner.Result differs = pictl("import", "--sim", docker1);
            assertEquals(0, differs.exitCode(), differs.all());
            assertTrue(differs.out().contains("    docker_running   = false\n"), differs.out());
            CliRunner.Result update = pictl("plan", "--sim", "--detailed-exitcode");
            assertEquals(2, update.exitCode(), update.all());
            assertTrue(update.out().contains("  # " + docker1 + " will be updated in-place\n"), update.out());
            assertTrue(update.out().contains("      ~ docker_running = false -> true\n"), update.out());

            // One gone from its node cannot be imported; the plan creates it, as Terraform would.
            assertEquals(0, pictl("state", "rm", docker).exitCode());
            CliRunner.Result remove = pictl("sim", "exec", "pi-2", "--", "sudo apt-get remove -y docker.io");
            assertEquals(0, remove.exitCode(), remove.all());
            CliRunner.Result gone = pictl("import", "--sim", docker);
            assertEquals(1, gone.exitCode(), gone.all());
            assertTrue(gone.err().contains("cannot import " + docker + ": it is not on pi-2"), gone.err());
            CliRunner.Result create = pictl("plan", "--sim");
            assertTrue(create.out().contains("  # " + docker + " will be created\n"), create.out());
            assertFalse(create.out().contains("Not managed"), create.out());
        } finally {
            assertEquals(0, pictl("sim", "stop").exitCode());
        }
    }
}
