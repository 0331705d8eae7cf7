package dev.pictl.apply.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.cli.CliRunner;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety (DESIGN §5, issue 5): {@code kill -9} of {@code pictl apply} at 19 points of a full seed-cluster
 * apply from bare boards. Each point gets four fresh boards and a fresh work directory; {@code pictl apply} runs in
 * a JVM of its own (so SIGKILL is a real crash: no shutdown hook, no finally, no flush) and is killed the moment
 * it prints the point's progress line (plus a delay for a few), or once it holds the lock. Then:
 *
 * <ol>
 *   <li>the state file parses ({@code StateStore.read()}, strict: one whole version, never a torn file);</li>
 *   <li>the lock is free at once ({@code StateStore.lock(..., 0)}: the kernel dropped the dead process's lock);</li>
 *   <li>a fresh {@code pictl apply --auto-approve} (the real CLI, in this JVM) succeeds;</li>
 *   <li>the boards and the cluster equal those of an uninterrupted run ({@link #uninterrupted}): hostname and the
 *       {@code 127.0.1.1} line, {@code cmdline.txt} and its {@code .pictl-orig} backup, {@code /proc/cmdline}, the
 *       cgroup controllers, docker.io and its unit, the k3s version, units and {@code config.yaml} (the token's
 *       value aside), Ready nodes, the StorageClass and the PV with its node affinity, the PV's directory;</li>
 *   <li>the state equals the uninterrupted run's: the same addresses, every one {@code ok}, same nodes,
 *       dependencies, attributes and sensitive attribute names (not serials, lineage, fingerprints, hash values);</li>
 *   <li>{@code pictl plan --detailed-exitcode} exits 0.</li>
 * </ol>
 *
 * The progress lines come in the walker's order, which varies between runs for resources in parallel; the
 * points name what is certainly in flight when they fire. Reboots take ~1.5 s here (the timer pictl sets 2 s out
 * fires after a tenth of it on these boards, then a 0.3 s shutdown and a 0.3 s boot, then the next boot_id poll),
 * so points before and during the reboots cost the most.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillNineTest {
    /** What kills pictl: the {@code occurrence}-th line matching {@code line}, then {@code delayMs}; or lock taken. */
    record KillPoint(String name, Pattern line, int occurrence, long delayMs, String interrupts) {
        static KillPoint at(String name, String regex, int occurrence, long delayMs, String interrupts) {
            return new KillPoint(name, Pattern.compile(regex), occurrence, delayMs, interrupts);
        }

        static KillPoint lockTaken(String interrupts) {
            return new KillPoint("lock taken", null, 1, 0, interrupts);
        }

        @Override
        public String toString() {
            return name + " (" + interrupts + ")";
        }
    }

    private static final String KP = "^kernel_params\\.cgroups\\[\"[^\"]+\"\\]: ";
    private static final String RT = "^runtime\\.docker\\[\"[^\"]+\"\\]: ";
    private static final String AG = "^k3s_agent\\.workers\\[\"[^\"]+\"\\]: ";

    static Stream<KillPoint> points() {
        // -Dcrash.only=NAME,NAME: a few points while working on one (matched against the start of their names)
        List<String> only = List.of(System.getProperty("crash.only", "").split(",")).stream()
                .filter(s -> !s.isBlank()).toList();
        return allPoints().filter(p -> only.isEmpty() || only.stream().anyMatch(o -> p.name().startsWith(o)));
    }

    static Stream<KillPoint> allPoints() {
        return Stream.of(
                KillPoint.lockTaken("lock held, nodes being probed; nothing planned or written yet"),
                KillPoint.at("plan shown", "^Plan: ", 1, 0,
                        "plan printed and auto-approved; the walk about to start, no state written yet"),
                KillPoint.at("1st Modifying", "^node\\.[^:]+: Modifying\\.\\.\\.$", 1, 0,
                        "the first in_progress write (a node's hostname) racing the kill"),
                KillPoint.at("1st node done", "^node\\.[^:]+: Modifications complete", 1, 0,
                        "one node recorded ok, the others mid-hostname, its kernel_params starting"),
                KillPoint.at("1st edit cmdline.txt", KP + "edit cmdline\\.txt ", 1, 0,
                        "cmdline.txt being edited (backup, temp file, sync, mv)"),
                KillPoint.at("4th edit cmdline.txt", KP + "edit cmdline\\.txt ", 4, 0,
                        "all four cmdline.txt edits started; no reboot scheduled yet"),
                KillPoint.at("1st reboot", KP + "reboot ", 1, 0,
                        "first reboot being scheduled (systemd-run timer 2 s out) on an edited cmdline.txt"),
                // The rest of the reboot window (scheduled, shutting down, down, booting, before verify) has its own
                // points, read off the boards rather than timed: RebootWindowTest.
                KillPoint.at("1st kernel_params done", KP + "Creation complete", 1, 0,
                        "first kernel_params recorded ok; the others verifying"),
                KillPoint.at("1st install docker.io", RT + "install docker\\.io ", 1, 0,
                        "apt-get install docker.io running"),
                KillPoint.at("4th install docker.io +50 ms", RT + "install docker\\.io ", 4, 50,
                        "four docker.io installs in flight or just done, not yet recorded"),
                KillPoint.at("server config.yaml", "^k3s_server\\.control: write /etc/rancher/k3s/config\\.yaml ", 1, 0,
                        "k3s server config.yaml being written, k3s not installed; runtimes recorded"),
                KillPoint.at("server install", "^k3s_server\\.control: install k3s ", 1, 0,
                        "the k3s install script running (INSTALL_K3S_SKIP_START)"),
                KillPoint.at("server wait active", "^k3s_server\\.control: wait for k3s to be active", 1, 0,
                        "k3s installed, non-blocking start issued, unit being polled"),
                KillPoint.at("StorageClass apply", "^storage_class\\.local-storage: kubectl apply ", 1, 0,
                        "server recorded; kubectl apply of the StorageClass through it, agents starting"),
                KillPoint.at("2nd agent install", AG + "install k3s agent ", 2, 0,
                        "agent install scripts running on two or more workers"),
                KillPoint.at("1st agent wait active", AG + "wait for k3s-agent to be active", 1, 0,
                        "agents installed, k3s-agent starting and joining"),
                KillPoint.at("1st agent wait Ready", AG + "wait for pi-worker-\\d to be Ready", 1, 0,
                        "an agent active, waiting for its Node to be Ready"),
                KillPoint.at("PV directory", "^pv\\.local-pv-1: create directory ", 1, 0,
                        "the PV's directory being created on pi-worker-1"),
                KillPoint.at("PV apply", "^pv\\.local-pv-1: kubectl apply ", 1, 0,
                        "kubectl apply of the PersistentVolume (node affinity) through the server"));
    }

    private Map<String, String> referenceNodes;
    private Map<String, String> referenceState;
    private List<String> referenceLines;

    /** The uninterrupted run every kill point is compared with: pictl apply in its own JVM, to the end. */
    @BeforeAll
    void uninterrupted(@TempDir Path dir) throws Exception {
        try (SeedFleet f = SeedFleet.start(dir)) {
            long t0 = System.nanoTime();
            try (ChildPictl apply = f.spawnApply()) {
                int code = apply.await(Duration.ofMinutes(2));
                assertEquals(0, code, apply::output);
                assertTrue(apply.output().contains("Apply complete! Resources: 14 added, 4 changed, 0 destroyed."),
                        apply::output);
                referenceLines = apply.lines();
            }
            CliRunner.Result plan = f.planDetailed();
            assertEquals(0, plan.exitCode(), plan::all);
            referenceNodes = f.nodeFacts();
            referenceState = f.stateFacts();
            System.out.printf("uninterrupted apply: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        // What the reference must show for the comparison to mean anything.
        assertEquals("Ready=True unschedulable=false kubelet=v1.31.4+k3s1 runtime=docker",
                referenceNodes.get("cluster node pi-worker-3"));
        assertTrue(referenceNodes.get("cluster pv local-pv-1").contains("pi-worker-1"), referenceNodes::toString);
        assertTrue(referenceNodes.get("pi-worker-2 proc/cmdline").endsWith(
                "cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1"), referenceNodes::toString);
        assertTrue(referenceNodes.get("pi-worker-2 cgroup.controllers").contains("memory"), referenceNodes::toString);
        assertEquals(18, referenceState.size(), referenceState::toString);
    }

    /** Every point's line must occur in a full run, often enough: a point that never fires tests nothing. */
    @Test
    @Order(1)
    void everyKillPointFiresInAnUninterruptedRun() {
        for (KillPoint p : allPoints().toList()) {
            if (p.line() != null) {
                long n = referenceLines.stream().filter(l -> p.line().matcher(l).find()).count();
                assertTrue(n >= p.occurrence(), () -> p + ": seen " + n + " times in\n" + String.join("\n", referenceLines));
            }
        }
        assertTrue(allPoints().count() >= 19);
    }

    @Execution(ExecutionMode.CONCURRENT) // each case has a fleet of its own (junit-platform.properties)
    @ParameterizedTest(name = "[{index}] kill -9 at {0}")
    @MethodSource("points")
    @Order(2)
    @Timeout(120)
    void killNine_stateParses_lockIsFree_nextApplyConverges(KillPoint point, @TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        try (SeedFleet f = SeedFleet.start(dir)) {
            // 1. run and kill
            String killedOutput;
            try (ChildPictl apply = f.spawnApply()) {
                if (point.line() == null) {
                    awaitLockTaken(f, apply);
                } else {
                    String hit = apply.awaitLine(l -> point.line().matcher(l).find(), point.occurrence(),
                            Duration.ofSeconds(60));
                    assertNotNull(hit, () -> point + ": pictl never printed the line; it printed:\n" + apply.output());
                }
                if (point.delayMs() > 0) {
                    Thread.sleep(point.delayMs()); // the kill point's own delay after its line: the thing tested
                }
                int code = apply.kill9();
                killedOutput = apply.output();
                assertEquals(ChildPictl.KILLED, code, () -> point + ": pictl had ended before the kill:\n" + killedOutput);
            }
            long killedAt = System.nanoTime();

            // 2. the state parses
            State afterKill;
            try {
                afterKill = f.store().read();
            } catch (StateException e) {
                throw new AssertionError(point + ": the state does not parse after kill -9: " + e.getMessage()
                        + "\n" + Files.readString(f.statePath()), e);
            }
            long inProgress = afterKill.resources().stream().filter(r -> r.status() == ResourceStatus.IN_PROGRESS).count();

            // 3. the lock is free at once
            try (StateLock lock = f.store().lock("crash test", Duration.ZERO)) {
                assertNotNull(lock);
            } catch (StateException e) {
                fail(point + ": the lock is stuck after kill -9: " + e.getMessage());
            }

            // 4. a fresh apply converges to the uninterrupted run's end state
            CliRunner.Result again = f.apply();
            long appliedAt = System.nanoTime();
            assertEquals(0, again.exitCode(), () -> point + ": the apply after the kill failed.\n--- killed run:\n"
                    + killedOutput + "\n--- next run:\n" + again.all());
            assertTrue(again.out().contains("Apply complete!"), again::all);
            Map<String, String> nodes = f.nodeFacts();
            assertEquals(referenceNodes, nodes, () -> point + ": the boards differ from an uninterrupted run's:\n"
                    + diff(referenceNodes, nodes) + "--- killed run:\n" + killedOutput + "\n--- next run:\n" + again.all());
            Map<String, String> state = f.stateFacts();
            assertEquals(referenceState, state, () -> point + ": the state differs from an uninterrupted run's:\n"
                    + diff(referenceState, state) + "--- killed run:\n" + killedOutput + "\n--- next run:\n" + again.all());

            assertEquals(List.of(), f.leftoverTempFiles(), "the next apply's lock removes a killed writer's temp file");

            // 5. nothing left to do
            CliRunner.Result plan = f.planDetailed();
            assertEquals(0, plan.exitCode(), () -> point + ": plan after convergence is not clean:\n" + plan.all());

            System.out.printf("%-30s killed after %3d lines; state serial %2d, %2d entries, %d in_progress; temp files %s;"
                            + " re-apply %5d ms; point total %5d ms%n", point.name(), killedOutput.lines().count(),
                    afterKill.serial(), afterKill.resources().size(), inProgress, f.leftoverTempFiles(),
                    (appliedAt - killedAt) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
            List<ResourceState> notOk = f.store().read().resources().stream()
                    .filter(r -> r.status() != ResourceStatus.OK).toList();
            assertTrue(notOk.isEmpty(), () -> point + ": left not ok: " + notOk);
        }
    }

    /** The keys whose values differ, one block each; for failure messages. */
    static String diff(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder b = new StringBuilder();
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                b.append(k).append("\n  uninterrupted: ").append(expected.get(k)).append("\n  after the kill: ")
                        .append(actual.get(k)).append('\n');
            }
        }
        return b.toString();
    }

    /** Until the lock file names the child (it holds the lock; it prints nothing before the plan). */
    private static void awaitLockTaken(SeedFleet f, ChildPictl apply) throws IOException, InterruptedException {
        Path lockFile = f.store().lockPath();
        String me = "\"pid\":" + apply.pid();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(lockFile) && Files.readString(lockFile).replace(" ", "").contains(me)) {
                return;
            }
            if (!apply.alive()) {
                fail("pictl ended before taking the lock:\n" + apply.output());
            }
            Thread.sleep(5);
        }
        fail("pictl did not take the lock within 30 s:\n" + apply.output());
    }
}
