package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.state.pg.PgServer;
import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed cluster with its state in a real PostgreSQL ({@link PgServer}), on one simulated fleet: two applies in
 * separate processes (one runs, the other names the holder; a third waits under --lock-timeout), plan shows no
 * changes, drift says the same as with the local file (pulled from the database), the database stopped in the
 * middle of an apply (the rescue file, pushed back, converges), and no password or token anywhere.
 */
class PgStateE2eTest {
    private static final String SCHEMA = "e2e_seed";

    @TempDir
    Path tmp;

    private final List<CliRunner.Result> outputs = new ArrayList<>();

    private CliRunner.Result kept(CliRunner.Result r) {
        outputs.add(r);
        return r;
    }

    @Test
    void seedInPostgres_lockAcrossProcesses_planAndDriftAsLocal_rescueAfterTheDatabaseStops() throws Exception {
        PgServer pg = PgServer.shared();
        String hcl = E2e.seed() + "\n" + PgServer.stateBlock(SCHEMA);
        try (E2e f = E2e.start(tmp, hcl, E2e.bareSeedBoards("127.0.118.", 24718))) {
            f.withToken(E2e.TOKEN);
            f.env.put("PGPASSWORD", pg.password());
            Files.delete(f.dir.resolve("pictl.state.key")); // the key comes from the database

            // 1. Two applies at once: the first in its own JVM, the second fails fast naming it, a third waits.
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
                Await.until("the first apply holds the lock", Duration.ofSeconds(60),
                        () -> first.isAlive() && holderPid(pg) == first.pid(),
                        () -> E2e.read(f.dir.resolve("first.err")));
                long t0 = System.nanoTime();
                CliRunner.Result second = kept(f.apply());
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(1, second.exitCode(), second.all());
                assertTrue(first.isAlive(), "the second failed while the first still ran");
                assertTrue(millis < 5000, "failed fast: " + millis + " ms");
                assertTrue(second.err().matches("(?s).*state is locked by [^@\\s]+@\\S+ \\(pid " + first.pid()
                        + "\\) since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+s ago\\), running `pictl apply`.*"),
                        second.err());
                assertContains(second.err(), "session-level advisory lock");

                CliRunner.Result waiting = kept(f.apply("--lock-timeout", "2m"));
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
            assertNotContains(out + E2e.read(f.dir.resolve("first.err")), E2e.TOKEN);
            assertFalse(Files.exists(f.dir.resolve("pictl.state.json")), "no local state was written");
            f.assertSeedRunning(E2e.SEED_NODES);

            // 2. plan against the state in PostgreSQL: nothing to do.
            CliRunner.Result plan = kept(f.plan());
            assertEquals(0, plan.exitCode(), plan.all());
            assertContains(plan.out(), "No changes.");
            CliRunner.Result versions = kept(f.pictl("state", "list-versions", "-c", "cluster.hcl"));
            assertEquals(0, versions.exitCode(), versions.all());
            assertTrue(versions.out().lines().findFirst().orElse("").endsWith("(current)"), versions.out());

            // 3. drift: a hand edit on a board; the same report from PostgreSQL and from the local file.
            f.sudo("pi-worker-2", "hostnamectl set-hostname by-hand");
            CliRunner.Result driftPg = kept(f.withSim("drift", "--json"));
            assertEquals(2, driftPg.exitCode(), driftPg.all());
            CliRunner.Result pulled = kept(f.pictl("state", "pull", "-c", "cluster.hcl", "pictl.state.json"));
            assertEquals(0, pulled.exitCode(), pulled.all());
            f.write(E2e.seed()); // the same description, the state in the local file
            CliRunner.Result driftLocal = kept(f.withSim("drift", "--json"));
            assertEquals(2, driftLocal.exitCode(), driftLocal.all());
            assertEquals(withoutStatePath(driftLocal.out()), withoutStatePath(driftPg.out()));
            assertContains(driftPg.out(), "node.pi-worker-2");
            f.write(hcl);
            CliRunner.Result show = kept(f.pictl("show", "-c", "cluster.hcl", "--json"));
            assertEquals(0, show.exitCode(), show.all());
            assertEquals(Files.readString(f.dir.resolve("pictl.state.json")), show.out(), "show reads the database");
            // Pulled and pushed back: the database already holds exactly these bytes.
            CliRunner.Result pushed = kept(f.pictl("state", "push", "-c", "cluster.hcl", "pictl.state.json"));
            assertEquals(0, pushed.exitCode(), pushed.all());
            assertContains(pushed.out(), "nothing to push");
            Files.delete(f.dir.resolve("pictl.state.json"));
            Files.delete(f.dir.resolve("pictl.state.key"));

            // 4. The database stops in the middle of an apply: its first write waits on a row lock we hold, then the
            //    server stops. No resource is started; the state goes to the rescue file; pushed back, it converges.
            Path rescue = f.dir.resolve("pictl.state.rescue.json");
            try (Connection hold = pg.connect()) {
                hold.setAutoCommit(false);
                int holdPid;
                try (Statement st = hold.createStatement()) {
                    st.execute("SELECT 1 FROM " + SCHEMA + ".states FOR UPDATE");
                    try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        holdPid = rs.getInt(1);
                    }
                }
                pb.redirectOutput(f.dir.resolve("cut.out").toFile()).redirectError(f.dir.resolve("cut.err").toFile());
                Process cut = pb.start();
                try {
                    Await.until("the apply's first state write waits on the row", Duration.ofSeconds(60),
                            () -> cut.isAlive() && waitingOn(pg, holdPid), () -> E2e.read(f.dir.resolve("cut.out")));
                    pg.stop();
                    try {
                        assertTrue(cut.waitFor(60, TimeUnit.SECONDS), "the cut apply ended");
                        String cutAll = E2e.read(f.dir.resolve("cut.out")) + E2e.read(f.dir.resolve("cut.err"));
                        assertEquals(1, cut.exitValue(), cutAll);
                        assertContains(cutAll, "the state could not be saved in the database and was saved to " + rescue);
                        assertContains(cutAll, "pictl state push " + rescue);
                        assertNotContains(cutAll, "internal error");
                        assertContains(cutAll, "node.pi-worker-2: Modifying...");
                        assertNotContains(cutAll, E2e.TOKEN);
                        assertNotContains(cutAll, pg.password());
                        assertTrue(Files.exists(rescue), cutAll);
                        assertEquals("by-hand", f.hostname("pi-worker-2"), "no resource was started");
                        // While it is down, a start is one clear error.
                        CliRunner.Result down = kept(f.plan());
                        assertEquals(1, down.exitCode(), down.all());
                        assertContains(down.err(), "cannot reach the state database at 127.0.0.1:" + PgServer.PORT);
                    } finally {
                        pg.start();
                    }
                } finally {
                    cut.destroyForcibly();
                }
            }
            String rescued = Files.readString(rescue);
            assertNotContains(rescued, E2e.TOKEN);
            assertNotContains(rescued, pg.password());
            assertContains(rescued, "\"status\": \"in_progress\"");
            CliRunner.Result back = kept(f.pictl("state", "push", "-c", "cluster.hcl", "pictl.state.rescue.json"));
            assertEquals(0, back.exitCode(), back.all());
            assertContains(back.out(), "Pushed pictl.state.rescue.json");
            CliRunner.Result fix = kept(f.apply());
            assertEquals(0, fix.exitCode(), fix.all());
            assertContains(fix.out(), "node.pi-worker-2");
            assertEquals("pi-worker-2", f.hostname("pi-worker-2"));
            CliRunner.Result converged = kept(f.plan());
            assertEquals(0, converged.exitCode(), converged.all());
            assertContains(converged.out(), "No changes.");

            // 5. No password or token in the database or in any output.
            String dump = pg.psql("SELECT string_agg(t, ' ') FROM (SELECT s::text AS t FROM " + SCHEMA + ".states s"
                    + " UNION ALL SELECT v::text FROM " + SCHEMA + ".state_versions v UNION ALL SELECT l::text FROM "
                    + SCHEMA + ".state_locks l UNION ALL SELECT k::text FROM " + SCHEMA + ".state_keys k) x");
            assertContains(dump, "k3s_server.control");
            assertNotContains(dump, E2e.TOKEN);
            assertNotContains(dump, pg.password());
            for (CliRunner.Result r : outputs) {
                assertNotContains(r.all(), E2e.TOKEN);
                assertNotContains(r.all(), pg.password());
            }
        }
    }

    /** The pid recorded in the lock row, while its session holds the advisory lock; 0 when none. */
    private static long holderPid(PgServer pg) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT l.holder_pid FROM "
                + SCHEMA + ".state_locks l WHERE EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory'"
                + " AND k.granted AND k.pid = l.backend_pid)"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return 0; // the tables are not there yet
        }
    }

    /** Whether another session waits on a lock the session {@code holdPid} holds (asked on a fresh connection). */
    private static boolean waitingOn(PgServer pg, int holdPid) {
        try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE " + holdPid + " = ANY (pg_blocking_pids(pid))")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode withoutStatePath(String json) throws Exception {
        ObjectNode n = (ObjectNode) E2e.JSON.readTree(json);
        ((ObjectNode) n.get("state")).remove("path");
        return n;
    }
}
