package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.testing.Golden;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's PersistentVolume through the real CLI: replaced when its path and node change (refused before anything
 * starts while its old directory holds data, unless allowed); a Bound one kept.
 */
class StorageE2eTest {
    static final int PORT = 24633;

    @TempDir
    Path tmp;

    /** The seed without its pv block (it is the last block of the file). */
    static String seedWithoutPv() {
        String seed = E2e.seed();
        int at = seed.indexOf("pv \"local-pv-1\" {");
        assertTrue(at > 0);
        return seed.substring(0, at);
    }

    @Test
    void pvPathAndNodeChange_replacesTheVolume() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.75.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            JsonNode before = f.pv("local-pv-1");
            assertNotNull(before);
            assertEquals("pi-worker-1", E2e.affinityNode(before));

            String moved = E2e.edit(E2e.seed(), "path           = \"/mnt/local-storage\"",
                    "path           = \"/mnt/fast-storage\"");
            f.write(E2e.edit(moved, "node           = node.pi-worker-1", "node           = node.pi-worker-2"));

            // Data in the old directory: the plan says so (read on the node the volume is on now, not the one the
            // description moves it to; no false drift line), and apply refuses before it starts anything.
            f.exec("pi-worker-1", "echo rows > \"$PICTL_ROOT/mnt/local-storage/db.sqlite\"");
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            Golden.assertMatches(Path.of("src/test/resources/golden/apply/pv-move-over-data.txt"), plan.out());
            assertContains(plan.out(), "# !! DATA: its directory /mnt/local-storage on pi-worker-1 holds data");
            assertContains(plan.out(), "Data at risk: pv.local-pv-1; apply refuses without --allow-data-loss");
            E2e.assertNotContains(plan.out(), "has changed");
            CliRunner.Result refused = f.apply();
            assertEquals(1, refused.exitCode(), refused.all());
            assertContains(refused.err(), "pv.local-pv-1 will be replaced but its directory /mnt/local-storage on "
                    + "pi-worker-1 holds data");
            assertContains(refused.err(), "apply with --allow-data-loss");
            assertContains(refused.err(), "Nothing applied: the plan has errors.");
            E2e.assertNotContains(refused.all(), "again to finish");
            assertEquals(before.path("metadata").path("uid").asText(),
                    f.pv("local-pv-1").path("metadata").path("uid").asText(), "nothing was touched");

            CliRunner.Result replace = f.apply("--allow-data-loss");
            assertEquals(0, replace.exitCode(), replace.all());
            assertContains(replace.out(), "# pv.local-pv-1 must be replaced");
            assertContains(replace.out(), "# forces replacement");
            assertContains(replace.out(), "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");

            // On the server: another object (the old one was deleted), at the new path, pinned to the new node.
            JsonNode after = f.pv("local-pv-1");
            assertNotNull(after);
            assertNotEquals(before.path("metadata").path("uid").asText(), after.path("metadata").path("uid").asText(),
                    "a new PersistentVolume, not the old one edited");
            assertEquals("/mnt/fast-storage", after.path("spec").path("local").path("path").asText());
            assertEquals("pi-worker-2", E2e.affinityNode(after));
            assertEquals("Available", after.path("status").path("phase").asText());
            assertEquals(1, f.kubectlJson("get pv").path("items").size(), "only the new volume");
            // Its directory on its new node; the old directory (and any data) left where it was.
            f.exec("pi-worker-2", "test -d \"$PICTL_ROOT/mnt/fast-storage\"");
            assertEquals("rows", f.exec("pi-worker-1", "cat \"$PICTL_ROOT/mnt/local-storage/db.sqlite\"").strip());

            CliRunner.Result settled = f.plan("--detailed-exitcode");
            assertEquals(0, settled.exitCode(), settled.all());
        }
    }

    @Test
    void boundPv_deleteIsRefused_unlessDataLossIsAllowed() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.76.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            assertTrue(f.sim.bindPv("local-pv-1", "default/data"));
            assertEquals("Bound", f.pv("local-pv-1").path("status").path("phase").asText());

            f.write(seedWithoutPv());
            CliRunner.Result refused = f.apply();
            assertEquals(1, refused.exitCode(), refused.all());
            assertContains(refused.err(), "Error: pv.local-pv-1 will be deleted but Bound to default/data");
            assertContains(refused.err(), "Nothing applied: the plan has errors.");
            assertContains(refused.out(), "# !! DATA: Bound to default/data (apply needs --allow-data-loss)");
            assertContains(refused.err(), "--allow-data-loss");
            // Nothing happened to it.
            JsonNode pv = f.pv("local-pv-1");
            assertNotNull(pv, "the PV is still there");
            assertEquals("Bound", pv.path("status").path("phase").asText());
            assertTrue(pv.path("metadata").path("deletionTimestamp").isMissingNode(), pv.toString());
            assertTrue(f.stateAddresses().contains("pv.local-pv-1"), "the state still has it");

            // With the flag: deleted; Kubernetes keeps it Terminating while its claim is Bound; gone once released.
            CompletableFuture<CliRunner.Result> allowed = CompletableFuture.supplyAsync(() -> f.apply("--allow-data-loss"));
            JsonNode terminating = null;
            for (int i = 0; i < 200 && terminating == null; i++) {
                JsonNode now = f.pv("local-pv-1");
                if (now != null && !now.path("metadata").path("deletionTimestamp").isMissingNode()) {
                    terminating = now;
                }
                if (terminating == null) {
                    assertFalse(allowed.isDone(), () -> "apply ended before the PV was deleted: " + allowed.join().all());
                    Thread.sleep(50);
                }
            }
            assertNotNull(terminating, "the PV was deleted (Terminating)");
            assertEquals("Bound", terminating.path("status").path("phase").asText());
            assertFalse(allowed.isDone(), "pictl waits for the PV to go");
            assertTrue(f.sim.releasePv("local-pv-1"));
            CliRunner.Result done = allowed.get(30, TimeUnit.SECONDS);
            assertEquals(0, done.exitCode(), done.all());
            assertContains(done.out(), "Apply complete! Resources: 0 added, 0 changed, 1 destroyed.");
            assertNull(f.pv("local-pv-1"), "the PV is gone");
            assertFalse(f.stateAddresses().contains("pv.local-pv-1"));
            // pictl never deletes the directory.
            f.exec("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/local-storage\"");
        }
    }
}
