package dev.pictl.state.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.state.StateBytes;
import dev.pictl.state.StateException;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateLockedException;
import dev.pictl.state.StateRescuedException;
import dev.pictl.state.StateStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state in a real PostgreSQL ({@link PgServer}): compare-and-set writes and their history, the advisory lock
 * with its holder row across processes (a second JVM, killed with SIGKILL), a writer killed inside a write, push and
 * pull byte for byte, the database lost mid-run (the rescue file, pushed back), and clear errors that never show
 * the password.
 */
class PgStateTest {
    @TempDir
    Path tmp;

    private static ResourceState node(String name, Object round) {
        return ResourceState.of(ResourceAddress.parse("node." + name).orElseThrow(), name)
                .withAttributes(Map.of("hostname", name, "round", round)).withFingerprint("sha256:" + name);
    }

    private PgBackend backend(PgServer pg, String schema, int history) {
        return new PgBackend(pg.target(schema, "homelab", history), "0.0.0-test", tmp, pg.env());
    }

    @Test
    void writes_areCompareAndSet_keepTheLastVersions_andTheKeyIsShared() throws Exception {
        PgServer pg = PgServer.shared();
        PgBackend b = backend(pg, "t_cas", 3);
        // A reader of a database without pictl's tables sees no state and creates nothing.
        assertFalse(b.read().exists());
        assertTrue(b.secretHasher().isEmpty());
        assertEquals("", pg.psql("SELECT nspname FROM pg_namespace WHERE nspname = 't_cas'"));

        State s1;
        String hash;
        try (PgWriter w = b.lock("pictl apply", Duration.ZERO)) {
            State empty = w.read();
            s1 = w.write(empty.withResource(node("pi-1", 1)));
            assertEquals(1, s1.serial());
            assertNotNull(s1.lineage());
            hash = w.secretHasher().hash("token");
            // Unchanged: no new serial, no new version.
            assertEquals(1, w.write(s1).serial());
            State s2 = w.write(s1.withResource(node("pi-2", 1)));
            assertEquals(2, s2.serial());
            // A stale writer (serial behind) is refused, and nothing is written.
            StateException stale = assertThrows(StateException.class, () -> w.write(s1.withResource(node("pi-3", 1))));
            assertEquals("refusing to overwrite the state \"homelab\" in PostgreSQL: it changed since this run read it"
                    + " (serial 1, now 2)", stale.summary());
            // Another lineage is refused.
            State foreign = StateBytes.written(s2, 2, "00000000-0000-4000-8000-000000000000", "x");
            StateException other = assertThrows(StateException.class, () -> w.write(foreign.withResource(node("pi-9", 1))));
            assertTrue(other.summary().contains("it belongs to another state (lineage " + s2.lineage()), other.summary());
            State s = s2;
            for (int i = 3; i <= 6; i++) {
                s = w.write(s.withResource(node("pi-1", i)));
            }
            assertEquals(6, s.serial());
        }
        // Someone changed the row without the lock: the next writer's read-then-write sees it and refuses the stale one.
        assertEquals(6, b.read().serial());
        assertEquals(s1.lineage(), b.read().lineage());
        // The history: the last 3 versions, newest first, the newest current.
        List<PgBackend.Version> versions = b.versions();
        assertEquals(List.of(6L, 5L, 4L), versions.stream().map(PgBackend.Version::serial).toList());
        assertTrue(versions.get(0).current());
        assertTrue(versions.get(0).writtenBy().endsWith(": pictl apply"), versions.get(0).writtenBy());
        State v5 = StateBytes.decode(b.versionText(5).orElseThrow(), "v5", "");
        assertEquals(5, v5.serial());
        assertTrue(b.versionText(1).isEmpty(), "pruned");
        // The key is in the database: a reader elsewhere hashes the same.
        assertEquals(hash, b.secretHasher().orElseThrow().hash("token"));
        // The lock is gone with its writer: no holder row is left.
        assertEquals("0", pg.psql("SELECT count(*) FROM t_cas.state_locks"));
    }

    @Test
    void secondWriter_failsFastNamingTheHolder_andKill9OfTheHolderFreesTheLockAtOnce() throws Exception {
        PgServer pg = PgServer.shared();
        PgBackend b = backend(pg, "t_lock", 10);
        try (PgWriter w = b.lock("pictl apply", Duration.ZERO)) {
            w.write(w.read().withResource(node("pi-1", 1)));
        }
        Process child = child(pg, "hold", "t_lock");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("LOCKED " + child.pid(), line, () -> "child: " + line + " " + read(tmp.resolve("child.err")));

            long t0 = System.nanoTime();
            StateLockedException e = assertThrows(StateLockedException.class, () -> b.lock("pictl apply", Duration.ZERO));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "fails fast");
            assertTrue(e.summary().matches("state is locked by [^@\\s]+@\\S+ \\(pid " + child.pid() + "\\) since "
                    + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+s ago\\), running `pictl apply`"), e.summary());
            assertTrue(e.detail().contains("session-level advisory lock"), e.detail());
            assertTrue(e.detail().contains("pg_terminate_backend("), e.detail());
            assertEquals(child.pid(), e.holder().pid());
            // The read side takes no lock.
            assertEquals(1, b.read().serial());

            // kill -9: the server ends the session and its lock with it; a waiting writer gets it at once.
            child.destroyForcibly();
            child.waitFor();
            t0 = System.nanoTime();
            try (PgWriter w = b.lock("pictl apply", Duration.ofSeconds(20))) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 3000, "freed at once: waited " + ms + " ms");
                assertEquals(1, w.read().serial());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void kill9InTheMiddleOfWrites_leavesThePreviousOrTheNextVersion_neverAMix() throws Exception {
        PgServer pg = PgServer.shared();
        PgBackend b = backend(pg, "t_kill", 1000);
        for (int round = 0; round < 2; round++) {
            Process child = child(pg, "writes", "t_kill");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertTrue(out.readLine().startsWith("LOCKED"), () -> read(tmp.resolve("child.err")));
                long last = 0;
                for (int i = 0; i < 5 + round * 7; i++) {
                    String line = out.readLine();
                    assertNotNull(line, () -> read(tmp.resolve("child.err")));
                    last = Long.parseLong(line.substring("WROTE ".length()));
                }
                child.destroyForcibly(); // SIGKILL, most likely inside the next write's transaction
                child.waitFor();
                State now = b.read(); // decodes: a whole state
                assertTrue(now.serial() >= last && now.serial() <= last + 2, now.serial() + " after " + last);
                try (Connection c = pg.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT s.serial, s.lineage, s.data = v.data FROM t_kill.states s"
                             + " JOIN t_kill.state_versions v ON v.name = s.name AND v.serial = s.serial"
                             + " AND v.lineage = s.lineage WHERE s.name = 'homelab'")) {
                    assertTrue(rs.next(), "the current version is in the history");
                    assertEquals(now.serial(), rs.getLong(1), "row serial = the state's serial");
                    assertEquals(now.lineage(), rs.getString(2));
                    assertTrue(rs.getBoolean(3), "the row and its version are the same text");
                }
                long round0 = ((Number) now.resources().get(0).attributes().get("round")).longValue();
                assertTrue(now.resources().stream()
                                .allMatch(r -> round0 == ((Number) r.attributes().get("round")).longValue()),
                        "every entry from the same write");
            } finally {
                child.destroyForcibly();
            }
        }
        // The killed writers' locks are gone: a new writer goes on from where they stopped.
        try (PgWriter w = b.lock("pictl apply", Duration.ofSeconds(10))) {
            State s = w.read();
            assertEquals(s.serial() + 1, w.write(s.withResource(node("pi-x", 0))).serial());
        }
    }

    @Test
    void pushThenPull_isByteIdentical_keepsLineageSerialAndKey_andRefusesAnotherLineageOrALaterDatabase()
            throws Exception {
        PgServer pg = PgServer.shared();
        PgBackend b = backend(pg, "t_push", 10);
        // A local state with a few writes and its key.
        Path local = tmp.resolve("local/pictl.state.json");
        Files.createDirectories(local.getParent());
        StateStore store = StateStore.at(local, "0.0.0-test");
        String hash;
        try (StateLock l = store.lock("test")) {
            State s = l.write(l.read().withResource(node("pi-1", 1)));
            s = l.write(s.withResource(node("pi-2", 2)));
            hash = l.secretHasher().hash("token");
        }
        byte[] before = Files.readAllBytes(local);
        byte[] keyBefore = Files.readAllBytes(store.keyPath());

        try (PgWriter w = b.lock("pictl state push", Duration.ZERO)) {
            assertEquals(PgWriter.Pushed.WRITTEN, w.push(PgBackend.readLocal(local)));
        }
        assertEquals(2, b.read().serial());
        assertEquals(store.read().lineage(), b.read().lineage());
        assertEquals(hash, b.secretHasher().orElseThrow().hash("token"));
        assertArrayEquals(before, b.pull().orElseThrow().text().getBytes(StandardCharsets.UTF_8));
        // Pushing it again changes nothing.
        try (PgWriter w = b.lock("pictl state push", Duration.ZERO)) {
            assertEquals(PgWriter.Pushed.UNCHANGED, w.push(PgBackend.readLocal(local)));
        }
        // The database moves on; the old file is behind it now and is refused.
        try (PgWriter w = b.lock("pictl apply", Duration.ZERO)) {
            w.write(w.read().withResource(node("pi-3", 3)));
        }
        StateException behind = assertThrows(StateException.class, () -> {
            try (PgWriter w = b.lock("pictl state push", Duration.ZERO)) {
                w.push(PgBackend.readLocal(local));
            }
        });
        assertTrue(behind.summary().contains("is at serial 3 and the file at 2"), behind.summary());
        // Another lineage is refused.
        Path otherDir = tmp.resolve("other");
        Files.createDirectories(otherDir);
        StateStore other = StateStore.at(otherDir.resolve("pictl.state.json"), "0.0.0-test");
        try (StateLock l = other.lock("test")) {
            State s = l.read();
            for (int i = 0; i < 5; i++) {
                s = l.write(s.withResource(node("pi-" + i, i)));
            }
        }
        StateException foreign = assertThrows(StateException.class, () -> {
            try (PgWriter w = b.lock("pictl state push", Duration.ZERO)) {
                w.push(PgBackend.readLocal(other.path()));
            }
        });
        assertTrue(foreign.summary().contains("belongs to another state"), foreign.summary());
        assertEquals(3, b.read().serial(), "nothing changed");

        // Up and back down through the CLI is byte-identical (state and key): a fresh schema.
        PgBackend fresh = backend(pg, "t_roundtrip", 10);
        try (PgWriter w = fresh.lock("pictl state push", Duration.ZERO)) {
            w.push(PgBackend.readLocal(local));
        }
        PgBackend.Pulled pulled = fresh.pull().orElseThrow();
        assertArrayEquals(before, pulled.text().getBytes(StandardCharsets.UTF_8));
        assertEquals(new String(keyBefore, StandardCharsets.US_ASCII).strip(), pulled.keyHex());
    }

    @Test
    void databaseLostMidRun_savesTheRescueFile_andPushingItBackConverges_withNoPasswordAnywhere() throws Exception {
        PgServer pg = PgServer.shared();
        PgBackend b = backend(pg, "t_rescue", 10);
        State before;
        Path rescue;
        try (PgWriter w = b.lock("pictl apply", Duration.ZERO)) {
            before = w.write(w.read().withResource(node("pi-1", 1)));
            pg.stop();
            try {
                StateRescuedException e = assertThrows(StateRescuedException.class,
                        () -> w.write(before.withResource(node("pi-2", 2))));
                rescue = tmp.resolve(PgBackend.RESCUE_FILE);
                assertEquals(rescue, w.rescueFile());
                assertTrue(e.summary().contains("was saved to " + rescue), e.summary());
                assertTrue(e.detail().contains("pictl state push " + rescue), e.detail());
                assertEquals(before.serial() + 1, e.rescued().serial());
                // The next outcome of the run goes to the same file, on top of the rescued state.
                StateRescuedException again = assertThrows(StateRescuedException.class,
                        () -> w.write(e.rescued().withResource(node("pi-3", 3))));
                assertEquals(before.serial() + 2, again.rescued().serial());
                String text = Files.readString(rescue);
                assertFalse(text.contains(pg.password()));
                assertFalse(e.getMessage().contains(pg.password()));
                State fromFile = StateBytes.decode(text, "rescue", "");
                assertEquals(List.of("node.pi-1", "node.pi-2", "node.pi-3"),
                        fromFile.addresses().stream().map(Object::toString).toList());
                assertEquals(before.lineage(), fromFile.lineage());
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(rescue)));
                // A start without the database is one clear error.
                StateException down = assertThrows(StateException.class, b::read);
                assertEquals("cannot reach the state database at 127.0.0.1:" + PgServer.PORT, down.summary());
            } finally {
                pg.start();
            }
        }
        assertEquals(before.serial(), b.read().serial(), "the database has what was saved before it went");
        try (PgWriter w = b.lock("pictl state push", Duration.ZERO)) {
            assertEquals(PgWriter.Pushed.WRITTEN, w.push(PgBackend.readLocal(rescue)));
        }
        State now = b.read();
        assertEquals(before.serial() + 2, now.serial());
        assertArrayEquals(Files.readAllBytes(rescue), b.pull().orElseThrow().text().getBytes(StandardCharsets.UTF_8));
        // Nothing in the database holds the password.
        String dump = pg.psql("SELECT string_agg(t::text, ' ') FROM (SELECT s::text AS t FROM t_rescue.states s UNION ALL"
                + " SELECT v::text FROM t_rescue.state_versions v UNION ALL SELECT l::text FROM t_rescue.state_locks l"
                + " UNION ALL SELECT k::text FROM t_rescue.state_keys k) x");
        assertTrue(dump.contains("node.pi-3"), "the dump is of the tables");
        assertFalse(dump.contains(pg.password()));
    }

    @Test
    void unreachableOrAWrongPassword_isOneClearError_thatNeverShowsThePassword() throws Exception {
        PgServer pg = PgServer.shared();
        PgTarget nowhere = new PgTarget("127.0.0.1", 1, "pictl", "pictl", Map.of("sslmode", "disable"), "x", "k", 10);
        StateException down = assertThrows(StateException.class,
                () -> new PgBackend(nowhere, "0", tmp, pg.env()).read());
        assertEquals("cannot reach the state database at 127.0.0.1:1", down.summary());
        assertTrue(down.detail().contains("Nothing was read or changed"), down.detail());

        String wrong = "not-the-" + pg.password();
        StateException refused = assertThrows(StateException.class, () -> new PgBackend(pg.target("x", "k", 10), "0",
                tmp, Map.of("PGPASSWORD", wrong, "HOME", tmp.toString())).lock("pictl apply", Duration.ZERO));
        assertTrue(refused.detail().contains("PGPASSWORD"), refused.detail());
        assertTrue(refused.detail().contains("one was found in PGPASSWORD"), refused.detail());
        assertFalse(refused.getMessage().contains(wrong));

        // ~/.pgpass, libpq's way: used when it is 0600, ignored (and said so) when others may read it.
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Path pass = home.resolve(".pgpass");
        Files.writeString(pass, "# comment\nother:*:*:*:nope\n127.0.0.1:" + PgServer.PORT + ":*:pictl:" + pg.password()
                + "\n");
        Files.setPosixFilePermissions(pass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        PgBackend open = new PgBackend(pg.target("t_pass", "k", 10), "0", tmp, Map.of("HOME", home.toString()));
        StateException ignored = assertThrows(StateException.class, open::read);
        assertTrue(ignored.detail().contains("has group or world access and is ignored"), ignored.detail());
        assertFalse(ignored.getMessage().contains(pg.password()));
        Files.setPosixFilePermissions(pass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertFalse(open.read().exists(), "connected with the password from ~/.pgpass");
    }

    @Test
    void cli_aLocalStateUpAndBackDown_isByteIdentical_andTheStateCommandsReadTheDatabase() throws Exception {
        PgServer pg = PgServer.shared();
        Path dir = tmp.resolve("cluster");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), "cluster {\n  name = \"cli\"\n}\n"
                + "node \"pi-1\" {\n  address = \"192.168.1.10\"\n}\n");
        StateStore store = StateStore.at(dir.resolve("pictl.state.json"), "0.0.0-test");
        try (StateLock l = store.lock("test")) {
            State s = l.write(l.read().withResource(node("pi-1", 1)));
            l.write(s.withResource(node("pi-2", 2)));
            l.secretHasher();
        }
        byte[] state = Files.readAllBytes(store.path());
        byte[] key = Files.readAllBytes(store.keyPath());
        // The description now keeps its state in PostgreSQL.
        Files.writeString(dir.resolve("cluster.hcl"), Files.readString(dir.resolve("cluster.hcl"))
                + PgServer.stateBlock("t_cli"));
        Map<String, String> env = pg.env();

        dev.pictl.cli.CliRunner.Result up = dev.pictl.cli.CliRunner.run(dir, env, "state", "push", "pictl.state.json");
        assertEquals(0, up.exitCode(), up.all());
        assertTrue(up.out().startsWith("Pushed pictl.state.json to postgres://pictl@127.0.0.1:" + PgServer.PORT
                + "/pictl schema t_cli, key cli: lineage " + store.read().lineage() + ", serial 2."), up.out());
        dev.pictl.cli.CliRunner.Result down = dev.pictl.cli.CliRunner.run(dir, env, "state", "pull", "back.json");
        assertEquals(0, down.exitCode(), down.all());
        assertArrayEquals(state, Files.readAllBytes(dir.resolve("back.json")));
        assertArrayEquals(key, Files.readAllBytes(dir.resolve("back.key")));
        dev.pictl.cli.CliRunner.Result stdout = dev.pictl.cli.CliRunner.run(dir, env, "state", "pull");
        assertEquals(new String(state, StandardCharsets.UTF_8), stdout.out());

        dev.pictl.cli.CliRunner.Result list = dev.pictl.cli.CliRunner.run(dir, env, "state", "list");
        assertEquals("node.pi-1\nnode.pi-2\n", list.out(), list.all());
        dev.pictl.cli.CliRunner.Result rm = dev.pictl.cli.CliRunner.run(dir, env, "state", "rm", "node.pi-2");
        assertEquals(0, rm.exitCode(), rm.all());
        dev.pictl.cli.CliRunner.Result versions = dev.pictl.cli.CliRunner.run(dir, env, "state", "list-versions");
        List<String> lines = versions.out().lines().toList();
        assertEquals(2, lines.size(), versions.all());
        assertTrue(lines.get(0).startsWith("3 ") && lines.get(0).endsWith(": pictl state rm node.pi-2  (current)"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("2 ") && lines.get(1).contains("pictl state push pictl.state.json"),
                lines.get(1));
        dev.pictl.cli.CliRunner.Result old = dev.pictl.cli.CliRunner.run(dir, env, "state", "pull", "--serial", "2");
        assertEquals(new String(state, StandardCharsets.UTF_8), old.out());
        // The pulled file is behind the database now: push refuses it.
        dev.pictl.cli.CliRunner.Result behind = dev.pictl.cli.CliRunner.run(dir, env, "state", "push", "back.json");
        assertEquals(1, behind.exitCode(), behind.all());
        assertTrue(behind.err().contains("is at serial 3 and the file at 2"), behind.err());
        // --state beside a pg state block is refused; so is a password in conn_str, at its position.
        dev.pictl.cli.CliRunner.Result both = dev.pictl.cli.CliRunner.run(dir, env, "state", "list", "--state", "x.json");
        assertEquals(1, both.exitCode(), both.all());
        assertTrue(both.err().contains("--state names a local state file, but the description keeps its state in"
                + " PostgreSQL"), both.err());
        for (dev.pictl.cli.CliRunner.Result r : List.of(up, down, stdout, list, rm, versions, old, behind, both)) {
            assertFalse(r.all().contains(pg.password()));
        }
    }

    private Process child(PgServer pg, String mode, String schema) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), PgLockHolderMain.class.getName(), mode, schema, "homelab"));
        ProcessBuilder p = new ProcessBuilder(cmd).redirectError(tmp.resolve("child.err").toFile());
        p.environment().putAll(pg.env());
        return p.start();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
