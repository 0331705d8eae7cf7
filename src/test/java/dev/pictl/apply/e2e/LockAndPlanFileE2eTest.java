package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two applies at once (one in another process, as a second terminal would run it), and saved plans: applied
 * without asking, refused when stale, checked on the boards.
 */
class LockAndPlanFileE2eTest {
    @TempDir
    Path tmp;

    @Test
    void twoConcurrentApplies_exactlyOneRuns_theOtherSaysWhoHoldsTheLock() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.bareSeedBoards("127.0.78.", 24638))) {
            f.withToken(E2e.TOKEN);
            // The first apply: the real CLI in its own JVM, in the work directory.
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"),
                    "dev.pictl.cli.Main", "apply", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--auto-approve"));
            cmd.addAll(List.of(E2e.FAST));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(f.dir.toFile())
                    .redirectOutput(f.dir.resolve("first.out").toFile()).redirectError(f.dir.resolve("first.err").toFile());
            pb.environment().putAll(f.env);
            Process first = pb.start();
            try {
                Path lock = f.dir.resolve("pictl.state.json.lock");
                String pid = "\"pid\":" + first.pid() + ",";
                for (int i = 0; i < 300 && !(Files.exists(lock) && Files.readString(lock).contains(pid)); i++) {
                    assertTrue(first.isAlive(), () -> "the first apply ended early:\n" + E2e.read(f.dir.resolve("first.err")));
                    Thread.sleep(50);
                }
                assertTrue(Files.readString(lock).contains(pid), Files.readString(lock));

                long t0 = System.nanoTime();
                CliRunner.Result second = f.apply();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(1, second.exitCode(), second.all());
                assertTrue(first.isAlive(), "the second failed while the first still ran");
                assertTrue(millis < 5000, "failed fast: " + millis + " ms");
                assertTrue(second.err().matches("(?s).*state is locked by [^@\\s]+@\\S+ \\(pid " + first.pid()
                        + "\\) since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+s ago\\), running `pictl apply`.*"),
                        second.err());
                assertNotContains(second.out(), "Apply complete!");

                // With --lock-timeout (Terraform's -lock-timeout) a third apply waits for the lock instead, then
                // plans against what the first one made: nothing left to do.
                CliRunner.Result waiting = f.apply("--lock-timeout", "2m");
                assertFalse(first.isAlive(), "it waited for the first apply to end:\n" + waiting.all());
                assertEquals(0, waiting.exitCode(), waiting.all());
                assertContains(waiting.out(), "No changes.");

                assertTrue(first.waitFor(90, TimeUnit.SECONDS), "the first apply finished");
            } finally {
                first.destroyForcibly();
            }
            String out = E2e.read(f.dir.resolve("first.out"));
            assertEquals(0, first.exitValue(), out + E2e.read(f.dir.resolve("first.err")));
            assertContains(out, "Apply complete! Resources: 14 added, 4 changed, 0 destroyed.");
            // One reboot per board: only one apply ran.
            for (String n : E2e.SEED_NODES) {
                assertEquals(1, f.events().stream().filter(e -> e.equals("reboot " + n)).count(), f.events().toString());
            }
            f.assertSeedRunning(E2e.SEED_NODES);
            // The lock went with the process: the next apply runs (and has nothing to do).
            CliRunner.Result next = f.apply();
            assertEquals(0, next.exitCode(), next.all());
            assertContains(next.out(), "No changes.");
        }
    }

    @Test
    void savedPlan_appliesWithoutAsking_andAStaleOneIsRefusedWithTheReason() throws Exception {
        // A running seed cluster whose pi-worker-2 still has the stock hostname, and no StorageClass or PV yet.
        List<NodeSpec> boards = new ArrayList<>(E2e.provisionedSeedBoards("127.0.79.", 24639, E2e.VERSION));
        NodeSpec w2 = boards.get(2);
        Provision p = w2.provision();
        boards.set(2, w2.withProvision(p.withHostname(false)));
        try (E2e f = E2e.start(tmp, E2e.seed(), boards)) {
            f.withToken(E2e.TOKEN);
            assertEquals("raspberrypi", f.hostname("pi-worker-2"));

            // 1. A node changed through its own shell since the plan: refused, nothing applied.
            CliRunner.Result made = f.plan("--out", "node.plan");
            assertEquals(0, made.exitCode(), made.all());
            f.sudo("pi-worker-2", "hostnamectl set-hostname by-hand");
            CliRunner.Result moved = f.withSim("apply", "node.plan");
            assertEquals(1, moved.exitCode(), moved.all());
            assertContains(moved.err(), "node.plan is stale");
            assertContains(moved.err(), "node.pi-worker-2 moved since the plan (a fresh probe now plans update for it)");
            assertEquals("by-hand", f.hostname("pi-worker-2"), "nothing applied");
            assertTrue(f.sudoAny("pi-server-1", "k3s kubectl get storageclass local-storage").exitCode() != 0);

            // 2. A fresh plan applies exactly, without asking.
            assertEquals(0, f.plan("--out", "good.plan").exitCode());
            CliRunner.Result applied = f.withSim("apply", "good.plan");
            assertEquals(0, applied.exitCode(), applied.all());
            assertNotContains(applied.out(), "Enter a value");
            assertContains(applied.out(), "Apply complete! Resources: 2 added, 1 changed, 0 destroyed.");
            f.assertSeedRunning(E2e.SEED_NODES);
            String uid = f.pv("local-pv-1").path("metadata").path("uid").asText();

            // 3. The configuration changed since the plan: refused.
            String bigger = E2e.edit(E2e.seed(), "capacity       = \"10Gi\"", "capacity       = \"20Gi\"");
            f.write(bigger);
            assertEquals(0, f.plan("--out", "config.plan").exitCode());
            f.write(E2e.edit(E2e.seed(), "capacity       = \"10Gi\"", "capacity       = \"30Gi\""));
            CliRunner.Result config = f.withSim("apply", "config.plan");
            assertEquals(1, config.exitCode(), config.all());
            assertContains(config.err(), "config.plan is stale");
            assertContains(config.err(), "the configuration changed since it was made");
            JsonNode pv = f.pv("local-pv-1");
            assertEquals(uid, pv.path("metadata").path("uid").asText(), "the PV untouched");
            assertEquals("10Gi", pv.path("spec").path("capacity").path("storage").asText());

            // 4. The state changed since the plan (another apply ran): refused.
            f.write(bigger);
            assertEquals(0, f.plan("--out", "state.plan").exitCode());
            CliRunner.Result other = f.apply("--target", "pv.local-pv-1");
            assertEquals(0, other.exitCode(), other.all());
            String uid20 = f.pv("local-pv-1").path("metadata").path("uid").asText();
            assertEquals("20Gi", f.pv("local-pv-1").path("spec").path("capacity").path("storage").asText());
            CliRunner.Result state = f.withSim("apply", "state.plan");
            assertEquals(1, state.exitCode(), state.all());
            assertContains(state.err(), "state.plan is stale");
            assertTrue(state.err().matches("(?s).*the state changed since \\(serial \\d+ then, \\d+ now\\).*"), state.err());
            assertEquals(uid20, f.pv("local-pv-1").path("metadata").path("uid").asText(), "not replaced again");
        }
    }
}
