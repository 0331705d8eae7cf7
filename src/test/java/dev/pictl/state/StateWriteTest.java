package dev.pictl.state;

import static dev.pictl.state.StateTesting.addr;
import static dev.pictl.state.StateTesting.cgroups;
import static dev.pictl.state.StateTesting.node;
import static dev.pictl.state.StateTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing through the lock: serial and lineage rules, atomic replacement, backups, the key file. */
@Tag("fast")
class StateWriteTest {
    @TempDir
    Path dir;

    private Path stateFile() {
        return dir.resolve("pictl.state.json");
    }

    private State write(State s) throws StateException {
        try (StateLock lock = StateTesting.store(dir).lock("test")) {
            return lock.write(s);
        }
    }

    @Test
    void firstWrite_createsSerial1ANewLineageAndTheKey() throws Exception {
        State written = write(State.empty().withResource(node("pi-1")));

        assertEquals(1, written.serial());
        assertTrue(written.lineage().matches("[0-9a-f-]{36}"), written.lineage());
        assertEquals(StateTesting.VERSION, written.pictlVersion());
        assertEquals(written, StateTesting.store(dir).read());
        assertEquals(List.of(), StateTesting.violations(read(stateFile())));
        Path key = dir.resolve("pictl.state.key");
        assertTrue(read(key).matches("[0-9a-f]{64}\n"), "32 bytes as hex");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile())));
    }

    private String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theStateAndEveryBackup_areOwnerOnly_andReadableFilesLeftByAnOlderPictlAreTightened() throws Exception {
        State s = write(State.empty().withResource(node("pi-1")));
        s = write(s.withResource(node("pi-2")));
        // An older pictl wrote 0644; someone made one backup world-writable too.
        Files.setPosixFilePermissions(stateFile(), PosixFilePermissions.fromString("rw-r--r--"));
        Path backup = dir.resolve("pictl.state.json.backup");
        Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rw-rw-rw-"));

        s = write(s.withResource(node("pi-3")));
        s = write(s.withResource(node("pi-4")));

        List<Path> files = new java.util.ArrayList<>(List.of(stateFile()));
        files.addAll(StateTesting.store(dir).backupPaths().stream().filter(Files::exists).toList());
        assertEquals(4, files.size(), "the state and three backups: " + files);
        for (Path f : files) {
            assertEquals("rw-------", mode(f), f.toString());
        }
        try (Stream<Path> all = Files.list(dir)) {
            assertEquals(List.of(), all.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aStateThatIsNotChanged_keepsItsFile_andTheNextRealWriteTightensIt() throws Exception {
        State s = write(State.empty().withResource(node("pi-1")));
        Files.setPosixFilePermissions(stateFile(), PosixFilePermissions.fromString("rw-r--r--"));
        write(s.withResource(node("pi-1")));
        assertEquals("rw-r--r--", mode(stateFile()), "no write, no change");

        write(s.withResource(node("pi-2")));

        assertEquals("rw-------", mode(stateFile()));
        assertEquals("rw-------", mode(dir.resolve("pictl.state.json.backup")));
    }

    @Test
    void everyWriteThatChangesSomething_raisesTheSerialAndKeepsTheLineage() throws Exception {
        State s1 = write(State.empty().withResource(node("pi-1")));
        State s2 = write(s1.withResource(node("pi-2")));
        State s3 = write(s2.withoutResource(addr("node.pi-1")));

        assertEquals(List.of(1L, 2L, 3L), List.of(s1.serial(), s2.serial(), s3.serial()));
        assertEquals(s1.lineage(), s3.lineage());
        assertEquals(List.of(addr("node.pi-2")), StateTesting.store(dir).read().addresses());
        assertEquals(List.of(), StateTesting.violations(read(stateFile())));
    }

    @Test
    void writingTheSameContent_isNotAWrite() throws Exception {
        State s1 = write(State.empty().withResource(node("pi-1")));
        String before = read(stateFile());

        State again = write(s1.withResource(node("pi-1")));

        assertEquals(s1, again);
        assertEquals(before, read(stateFile()));
        assertFalse(Files.exists(dir.resolve("pictl.state.json.backup")));
        Path fresh = Files.createDirectory(dir.resolve("fresh"));
        try (StateLock lock = StateTesting.store(fresh).lock("test")) {
            assertEquals(State.empty(), lock.write(State.empty()));
        }
        assertFalse(Files.exists(fresh.resolve("pictl.state.json")), "an empty first state creates no file");
    }

    @Test
    void foreignLineageOnDisk_isRefused() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        State mine = write(State.empty().withResource(node("pi-1")));
        State theirs;
        try (StateLock lock = StateTesting.store(other).lock("test")) {
            theirs = lock.write(State.empty().withResource(node("x")));
        }
        Files.copy(other.resolve("pictl.state.json"), stateFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String onDisk = read(stateFile());

        StateException e = assertThrows(StateException.class, () -> write(mine.withResource(node("pi-2"))));

        assertEquals("refusing to overwrite pictl.state.json: it belongs to another state (lineage " + theirs.lineage()
                + ", this run read " + mine.lineage() + ")", e.summary());
        assertTrue(e.detail().contains("Nothing was written."), e.detail());
        assertEquals(onDisk, read(stateFile()));
    }

    @Test
    void serialMovedSinceRead_isRefused() throws Exception {
        State s1 = write(State.empty().withResource(node("pi-1")));
        State stale = s1; // another writer goes first
        write(s1.withResource(node("pi-2")));

        StateException e = assertThrows(StateException.class, () -> write(stale.withResource(node("pi-3"))));

        assertEquals("refusing to overwrite pictl.state.json: it changed since this run read it (serial 1, now 2)",
                e.summary());
        assertFalse(StateTesting.store(dir).read().resource(addr("node.pi-3")).isPresent());
    }

    @Test
    void stateCreatedOrDeletedSinceRead_isRefused() throws Exception {
        State fresh = State.empty();
        State written = write(fresh.withResource(node("pi-1")));

        StateException created = assertThrows(StateException.class, () -> write(fresh.withResource(node("pi-2"))));
        assertEquals("refusing to overwrite pictl.state.json: it was created since this run found none (now serial 1)",
                created.summary());

        Files.delete(stateFile());
        StateException deleted = assertThrows(StateException.class, () -> write(written.withResource(node("pi-2"))));
        assertEquals("refusing to overwrite pictl.state.json: it was deleted since this run read it (serial 1)",
                deleted.summary());
    }

    @Test
    void failureMidWrite_leavesTheOldFileAndNoTemporaryFile() throws Exception {
        State s1 = write(State.empty().withResource(node("pi-1")));
        String before = read(stateFile());
        AtomicFiles.ContentWriter halfThenFail = (ch, content) -> {
            ch.write(ByteBuffer.wrap(content, 0, content.length / 2));
            throw new IOException("No space left on device");
        };
        StateStore failing = new StateStore(stateFile(), StateTesting.VERSION, Clock.systemUTC(), halfThenFail);

        StateException e;
        try (StateLock lock = failing.lock("test")) {
            e = assertThrows(StateException.class, () -> lock.write(s1.withResource(node("pi-2"))));
        }

        assertEquals("cannot write pictl.state.json", e.summary());
        assertTrue(e.detail().startsWith("No space left on device. The state file was not changed"), e.detail());
        assertEquals(before, read(stateFile()));
        assertEquals(s1, StateTesting.store(dir).read());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }
        // and the next writer carries on from the old file
        assertEquals(2, write(s1.withResource(node("pi-2"))).serial());
    }

    @Test
    void backups_keepTheStateBeforeEachRun_andRotateUpToFive() throws Exception {
        State s = write(State.empty().withResource(node("run0")));
        for (int run = 1; run <= 7; run++) {
            try (StateLock lock = StateTesting.store(dir).lock("run " + run)) {
                // two writes in one run (as apply does after each resource): one backup, of the state before the run
                s = lock.write(s.withResource(node("run" + run + "a")));
                s = lock.write(s.withResource(node("run" + run + "b")));
            }
        }
        List<Path> backups = StateTesting.store(dir).backupPaths();

        assertEquals(List.of("pictl.state.json.backup", "pictl.state.json.backup.1", "pictl.state.json.backup.2",
                "pictl.state.json.backup.3", "pictl.state.json.backup.4"),
                backups.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(15, s.serial());
        // .backup is the state before run 7 (serial 13), .backup.4 the one before run 3 (serial 5)
        long[] expected = {13, 11, 9, 7, 5};
        for (int i = 0; i < backups.size(); i++) {
            State b = StateCodec.decode(Files.readAllBytes(backups.get(i)));
            assertEquals(expected[i], b.serial(), backups.get(i).toString());
            assertEquals(s.lineage(), b.lineage());
        }
        assertFalse(Files.exists(dir.resolve("pictl.state.json.backup.5")));
    }

    @Test
    void sensitiveAttributes_areStoredOnlyAsKeyedHashes() throws Exception {
        String token = "K10a1b2c3d4e5f6::server:0123456789abcdef";
        State written;
        try (StateLock lock = StateTesting.store(dir).lock("test")) {
            SecretHasher h = lock.secretHasher();
            ResourceState server = ResourceState.of(addr("k3s_server.control"), "pi-server-1")
                    .withAttributes(Map.of("version", "v1.31.4+k3s1"))
                    .withSensitiveHashes(Map.of("token", h.hash(token)));
            written = lock.write(State.empty().withResource(server));
        }
        String text = read(stateFile());

        assertFalse(text.contains(token), text);
        assertFalse(text.contains("K10a1b2c3d4e5f6"), text);
        assertEquals(List.of(), StateTesting.violations(text));
        SecretHasher reader = StateTesting.store(dir).secretHasher().orElseThrow();
        String recorded = written.resource(addr("k3s_server.control")).orElseThrow().sensitiveHashes().get("token");
        assertTrue(reader.matches(token, recorded));
        assertFalse(reader.matches(token + "x", recorded));
    }

    @Test
    void keyFile_isMadeOnceAndReused() throws Exception {
        write(State.empty().withResource(node("pi-1")));
        String key = read(dir.resolve("pictl.state.key"));
        try (StateLock lock = StateTesting.store(dir).lock("test")) {
            String h1 = lock.secretHasher().hash("t");
            assertEquals(h1, StateTesting.store(dir).secretHasher().orElseThrow().hash("t"));
        }
        assertEquals(key, read(dir.resolve("pictl.state.key")));
    }

    @Test
    void corruptKeyFile_isAClearError() throws Exception {
        Files.writeString(dir.resolve("pictl.state.key"), "not a key\n");

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).secretHasher());

        assertEquals("pictl.state.key is not a pictl state key", e.summary());
    }

    @Test
    void writeAfterClose_isABug() throws Exception {
        StateLock lock = StateTesting.store(dir).lock("test");
        lock.close();
        assertThrows(IllegalStateException.class, () -> lock.write(State.empty().withResource(node("pi-1"))));
    }

    @Test
    void paths_besideTheConfiguration() throws Exception {
        Path cfg = Files.writeString(dir.resolve("cluster.hcl"), "");
        assertEquals(dir.resolve("pictl.state.json"), StateStore.defaultPath(cfg));
        assertEquals(dir.resolve("pictl.state.json"), StateStore.defaultPath(dir));
        assertEquals(dir.resolve("new/pictl.state.json"), StateStore.defaultPath(dir.resolve("new")));
        assertEquals(dir.resolve("pictl.state.json"), StateStore.defaultPath(dir.resolve("missing.hcl")));
        StateStore custom = StateStore.at(dir.resolve("prod.json"), "x");
        assertEquals(dir.resolve("prod.key"), custom.keyPath());
        assertEquals(dir.resolve("prod.json.lock"), custom.lockPath());
        assertEquals(dir.resolve("prod.json.backup"), custom.backupPaths().get(0));
        assertNotEquals(custom.keyPath(), StateTesting.store(dir).keyPath());
    }
}
