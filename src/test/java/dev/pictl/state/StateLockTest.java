package dev.pictl.state;

import static dev.pictl.state.StateTesting.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The writer lock: exclusive within a JVM and across processes, says who holds it, dies with its holder. */
class StateLockTest {
    @TempDir
    Path dir;

    @Test
    void secondAcquirerInTheSameJvm_failsFastNamingTheHolder() throws Exception {
        StateStore store = StateTesting.store(dir);
        try (StateLock first = store.lock("pictl apply")) {
            long started = System.nanoTime();
            StateLockedException e = assertThrows(StateLockedException.class, () -> store.lock("pictl state rm node.x"));

            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "fails fast");
            LockHolder h = e.holder();
            assertNotNull(h);
            assertEquals(ProcessHandle.current().pid(), h.pid());
            assertEquals("pictl apply", h.command());
            assertEquals(first.holder(), h);
            assertTrue(e.summary().matches("state is locked by .+@.+ \\(pid " + h.pid() + "\\) since "
                    + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+s ago\\), running `pictl apply`"), e.summary());
            assertTrue(e.detail().contains("Lock file: " + dir.resolve("pictl.state.json.lock")), e.detail());
            // a reader needs no lock
            assertEquals(State.empty(), store.read());
        }
        try (StateLock again = store.lock("after")) {
            assertEquals("after", again.holder().command());
        }
    }

    @Test
    void lockFile_recordsTheHolderWhileHeld_andIsBlankedOnRelease() throws Exception {
        StateStore store = StateTesting.store(dir);
        Path lockFile = dir.resolve("pictl.state.json.lock");
        try (StateLock lock = store.lock("pictl apply --auto-approve")) {
            LockHolder recorded = LockHolder.parse(Files.readString(lockFile));
            assertEquals(lock.holder(), recorded);
            assertEquals(System.getProperty("user.name"), recorded.user());
        }
        assertEquals("", Files.readString(lockFile));
        assertTrue(Files.exists(lockFile), "the lock file stays (deleting it would race with a waiting opener)");
    }

    @Test
    void waitingAcquirer_getsTheLockWhenTheHolderLetsGo() throws Exception {
        StateStore store = StateTesting.store(dir);
        StateLock first = store.lock("pictl apply");
        CompletableFuture<StateLock> second = CompletableFuture.supplyAsync(() -> {
            try {
                return store.lock("pictl state rm x.y", Duration.ofSeconds(20));
            } catch (StateException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300); // a window in which the second must NOT get the lock: the time is what is checked
        assertTrue(!second.isDone(), "still waiting while held");
        first.close();

        try (StateLock got = second.get(10, TimeUnit.SECONDS)) {
            assertEquals("pictl state rm x.y", got.holder().command());
        }
    }

    @Test
    void waitingAcquirer_givesUpAfterItsTimeout() throws Exception {
        StateStore store = StateTesting.store(dir);
        try (StateLock held = store.lock("pictl apply")) {
            Instant start = Instant.now();
            assertThrows(StateLockedException.class, () -> store.lock("second", Duration.ofMillis(400)));
            assertTrue(Duration.between(start, Instant.now()).toMillis() >= 400);
        }
    }

    @Test
    void missingDirectory_isAClearError() {
        StateException e = assertThrows(StateException.class,
                () -> StateTesting.store(dir.resolve("nope")).lock("pictl apply"));
        assertTrue(e.summary().startsWith("cannot lock pictl.state.json: directory "), e.summary());
    }

    @Test
    @Timeout(60)
    void anotherProcess_holdsTheLockUntilKilledWithSigkill() throws Exception {
        Path state = dir.resolve("pictl.state.json");
        StateStore store = StateTesting.store(dir);
        try (StateLock lock = store.lock("setup")) {
            lock.write(State.empty().withResource(node("pi-1")));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), state.toString(), "pictl apply")
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("LOCKED " + child.pid(), line, () -> "child said: " + line + "; stderr: "
                    + StateTesting.read(dir.resolve("child.err")));

            StateLockedException e = assertThrows(StateLockedException.class, () -> store.lock("pictl state rm node.pi-1"));
            assertEquals(child.pid(), e.holder().pid());
            assertTrue(e.summary().contains("(pid " + child.pid() + ")"), e.summary());
            assertTrue(e.summary().endsWith("running `pictl apply`"), e.summary());
            assertEquals(1, store.read().serial(), "readers go on while another process holds the lock");

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, no chance to clean up
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue(), "killed by signal 9");

            // the kernel released the lock with the process; the stale record in the file does not matter
            assertTrue(Files.readString(dir.resolve("pictl.state.json.lock")).contains("\"pid\":" + child.pid()));
            try (StateLock mine = store.lock("pictl state rm node.pi-1")) {
                assertEquals(2, mine.write(mine.read().withoutResource(StateTesting.addr("node.pi-1"))).serial());
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
