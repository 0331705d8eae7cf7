package dev.pictl.apply.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.cli.CliRunner;
import dev.pictl.sim.SimNode;
import dev.pictl.state.PendingReboot;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An apply cut off inside the reboot window (issue 10): {@code pictl apply} from bare boards, in a JVM of its own,
 * killed with SIGKILL (or interrupted with SIGINT) at moments read off the simulated boards themselves: a reboot
 * just scheduled, all four scheduled, a board shutting down (SSH still answering, {@code systemctl
 * is-system-running} saying {@code stopping}), a board down, a board booted again, every board back just before
 * verify. Each kill point runs three times. After each, the very next {@code pictl apply} must converge to the
 * boards and state of an uninterrupted run, and the plan after it must be empty.
 *
 * <p>The description is the seed's boards, cgroup flags and Docker, without k3s and storage: the reboot window
 * is the same (on bare boards nothing is drained), and the rest of the seed apply has its own kill points in
 * {@link KillNineTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebootWindowTest {
    static final String DESCRIPTION = """
            cluster { name = "seed" }

            ssh {
              user            = "pi"
              host_key_policy = "accept-new"
            }

            node "pi-server-1" { address = "192.168.1.10" }
            node "pi-worker-1" { address = "192.168.1.11" }
            node "pi-worker-2" { address = "192.168.1.12" }
            node "pi-worker-3" { address = "192.168.1.13" }

            kernel_params "cgroups" {
              nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
              add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
            }

            runtime "docker" {
              nodes  = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
              engine = "docker"
            }
            """;

    private static final Pattern REBOOT_LINE = Pattern.compile("^kernel_params\\.cgroups\\[\"[^\"]+\"\\]: reboot ");
    private static final int RUNS = 3;

    /** A moment in the reboot window, told by what the boards show. */
    record Point(String name, Predicate<Boards> when) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The four boards as the kill condition sees them, against their boot_ids before the apply. */
    record Boards(List<SimNode> nodes, Map<String, String> firstBoot) {
        long marked() {
            return nodes.stream().filter(n -> Files.exists(n.root().resolve("run/pictl/reboot"))).count();
        }

        long stopping() {
            return nodes.stream().filter(SimNode::isStopping).count();
        }

        long down() {
            return nodes.stream().filter(n -> !n.isUp()).count();
        }

        long rebooted() {
            return nodes.stream().filter(n -> n.isUp() && !n.bootId().isEmpty()
                    && !n.bootId().equals(firstBoot.get(n.name()))).count();
        }
    }

    static List<Point> killPoints() {
        return List.of(
                new Point("just after the 1st reboot is scheduled", b -> b.marked() >= 1),
                new Point("all four reboots scheduled, boards on the old boot", b -> b.marked() == 4),
                new Point("a board shutting down (SSH still up)", b -> b.stopping() >= 1),
                new Point("a board down", b -> b.down() >= 1),
                new Point("a board booted again, others not yet", b -> b.rebooted() >= 1),
                new Point("every board back, just before verify", b -> b.rebooted() == 4));
    }

    static Stream<Arguments> killRuns() {
        return killPoints().stream().flatMap(p -> IntStream.rangeClosed(1, RUNS).mapToObj(i -> Arguments.of(p, i)));
    }

    /** Ctrl-C at two points of the window, twice each (InterruptTest covers SIGINT and SIGTERM elsewhere too). */
    static Stream<Arguments> interruptRuns() {
        List<Point> points = List.of(killPoints().get(2), killPoints().get(3));
        return points.stream().flatMap(p -> IntStream.rangeClosed(1, 2).mapToObj(i -> Arguments.of(p, i)));
    }

    private Map<String, String> referenceNodes;
    private Map<String, String> referenceState;

    @BeforeAll
    void uninterrupted(@TempDir Path dir) throws Exception {
        try (SeedFleet f = SeedFleet.start(dir, DESCRIPTION, 300, SeedFleet.QUICK_TIMERS)) {
            try (ChildPictl apply = f.spawnApply()) {
                int code = apply.await(Duration.ofMinutes(2));
                assertEquals(0, code, apply::output);
                assertTrue(apply.output().contains("Apply complete! Resources: 8 added, 4 changed, 0 destroyed."),
                        apply::output);
            }
            assertEquals(0, f.planDetailed().exitCode());
            referenceNodes = f.nodeFacts();
            referenceState = f.stateFacts();
        }
        assertTrue(referenceNodes.get("pi-worker-2 proc/cmdline").endsWith(
                "cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1"), referenceNodes::toString);
        assertEquals(12, referenceState.size(), referenceState::toString);
    }

    @Execution(ExecutionMode.CONCURRENT) // each case has a fleet of its own (junit-platform.properties)
    @ParameterizedTest(name = "[{index}] kill -9: {0}, run {1}")
    @MethodSource("killRuns")
    @Order(1)
    @Timeout(120)
    void killNineInTheRebootWindow_nextApplyWaitsAndConverges(Point point, int run, @TempDir Path dir)
            throws Exception {
        // The reboot timer fires after 2 s only where the point is about it (the next apply must find the boards
        // still on the old boot); elsewhere a tenth of it, which changes nothing but the wait.
        int timers = point.name().contains("scheduled") ? 100 : SeedFleet.QUICK_TIMERS;
        try (SeedFleet f = SeedFleet.start(dir, DESCRIPTION, 300, timers)) {
            String killed;
            try (ChildPictl apply = f.spawnApply()) {
                awaitPoint(f, apply, point);
                assertEquals(ChildPictl.KILLED, apply.kill9(), () -> point + ": pictl had ended:\n" + apply.output());
                killed = apply.output();
            }
            CliRunner.Result next = assertConverges(f, point, killed);
            if (point.name().contains("scheduled")) {
                // The timer fires 2 s after scheduling: the next apply certainly finds the boards before it.
                assertTrue(next.err().contains(": rebooting (started by the apply at ")
                        && next.err().contains("); waiting up to 60 s"), next::all);
            }
        }
    }

    @Execution(ExecutionMode.CONCURRENT) // each case has a fleet of its own (junit-platform.properties)
    @ParameterizedTest(name = "[{index}] SIGINT: {0}, run {1}")
    @MethodSource("interruptRuns")
    @Order(2)
    @Timeout(120)
    void ctrlCInTheRebootWindow_exitsSoonAndNextApplyConverges(Point point, int run, @TempDir Path dir)
            throws Exception {
        try (SeedFleet f = SeedFleet.start(dir, DESCRIPTION, 300, SeedFleet.QUICK_TIMERS)) {
            String interrupted;
            try (ChildPictl apply = f.spawnInterruptibleApply()) {
                awaitPoint(f, apply, point);
                long t0 = System.nanoTime();
                apply.signal("INT");
                int code = apply.await(Duration.ofSeconds(10));
                interrupted = apply.output();
                assertEquals(1, code, () -> point + ": exit status after Ctrl-C\n" + apply.output());
                assertTrue(interrupted.contains("Interrupt received."), interrupted);
                assertTrue(interrupted.contains("Apply interrupted."), interrupted);
                System.out.printf("SIGINT at %-45s exited in %d ms%n", point.name(), (System.nanoTime() - t0) / 1_000_000);
            }
            assertConverges(f, point, interrupted);
        }
    }

    /** A board that never comes back from the reboot pictl started: one error naming node, step and timeout. */
    @Test
    @Order(3)
    @Timeout(120)
    void aBoardThatNeverComesBack_oneClearError(@TempDir Path dir) throws Exception {
        try (SeedFleet f = SeedFleet.start(dir, DESCRIPTION, 300, SeedFleet.QUICK_TIMERS)) {
            SimNode lost = f.sim.node("pi-worker-2");
            try (ChildPictl apply = f.spawnApply()) {
                String hit = apply.awaitLine(l -> l.startsWith("kernel_params.cgroups[\"pi-worker-2\"]: reboot "), 1,
                        Duration.ofSeconds(60));
                assertNotNull(hit, apply::output);
                lost.setRebootNeverReturns(true);
                awaitCondition(() -> !lost.isUp(), apply);
                assertEquals(ChildPictl.KILLED, apply.kill9());
            }
            State left = f.store().read();
            PendingReboot pending = left.resource(dev.pictl.addr.ResourceAddress.parse(
                    "kernel_params.cgroups[\"pi-worker-2\"]").orElseThrow()).map(ResourceState::reboot).orElse(null);
            assertNotNull(pending, "the state records the reboot in flight");

            long t0 = System.nanoTime();
            CliRunner.Result again = CliRunner.run(f.work, Map.of("HOME", f.work.toString(), "NO_COLOR", "1"),
                    "apply", "-c", f.work.toString(), "--sim=" + f.simDir, "--auto-approve",
                    "--reboot-timeout", "3");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, again.exitCode(), again::all);
            assertTrue(again.err().contains("pi-worker-2: rebooting (started by the apply at "), again::all);
            assertTrue(again.err().contains("pi-worker-2: wait for boot: the node did not come back with a new "
                    + "boot_id within 3 s (the reboot was started by the apply at "), again::all);
            assertTrue(again.all().contains("a slow board needs a longer --reboot-timeout"), again::all);
            assertTrue(ms < 30_000, "gave up after " + ms + " ms");
            assertEquals(1, countOccurrences(again.err(), "did not come back"), again::all);
            // Nothing ran on the other boards either: the plan could not see one of them.
            assertTrue(again.err().contains("Nothing applied"), again::all);
        }
    }

    /** The executor's own wait: the board it rebooted stays down; its dependents are skipped, the others finish. */
    @Test
    @Order(4)
    @Timeout(120)
    void aRebootThatNeverReturnsInTheApply_skipsDependentsOnly(@TempDir Path dir) throws Exception {
        try (SeedFleet f = SeedFleet.start(dir, DESCRIPTION, 300, SeedFleet.QUICK_TIMERS)) {
            f.sim.node("pi-worker-2").setRebootNeverReturns(true);
            CliRunner.Result r = CliRunner.run(f.work, Map.of("HOME", f.work.toString(), "NO_COLOR", "1"),
                    "apply", "-c", f.work.toString(), "--sim=" + f.simDir, "--auto-approve",
                    "--reboot-timeout", "3");
            assertEquals(1, r.exitCode(), r::all);
            assertTrue(r.err().contains("Error: pi-worker-2: wait for boot: the node did not come back with a new "
                    + "boot_id within 3s of the reboot"), r::all);
            assertTrue(r.err().contains("runtime.docker[\"pi-worker-2\"] (kernel_params.cgroups[\"pi-worker-2\"] "
                    + "failed)"), r::all);
            assertTrue(r.all().contains("Apply failed. Resources: 6 added, 4 changed, 0 destroyed. 1 failed, 1 skipped."),
                    r::all);
        }
    }

    private static int countOccurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Waits for the first reboot line, then for the point's condition on the boards. */
    private static void awaitPoint(SeedFleet f, ChildPictl apply, Point point) throws Exception {
        Map<String, String> firstBoot = new HashMap<>();
        List<SimNode> nodes = new ArrayList<>();
        for (String n : SeedFleet.NODES) {
            nodes.add(f.sim.node(n));
            firstBoot.put(n, f.sim.node(n).bootId());
        }
        Boards boards = new Boards(nodes, firstBoot);
        String hit = apply.awaitLine(l -> REBOOT_LINE.matcher(l).find(), 1, Duration.ofSeconds(60));
        assertNotNull(hit, () -> point + ": pictl never scheduled a reboot; it printed:\n" + apply.output());
        awaitCondition(() -> point.when().test(boards), apply);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, ChildPictl apply)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (!apply.alive()) {
                fail("pictl ended before the kill point:\n" + apply.output());
            }
            if (System.nanoTime() > deadline) {
                fail("the kill point never came within 30 s:\n" + apply.output());
            }
            Thread.sleep(2);
        }
    }

    private CliRunner.Result assertConverges(SeedFleet f, Point point, String cutOff) throws Exception {
        try {
            f.store().read();
        } catch (StateException e) {
            throw new AssertionError(point + ": the state does not parse: " + e.getMessage(), e);
        }
        CliRunner.Result again = f.apply();
        assertEquals(0, again.exitCode(), () -> point + ": the apply after the cut failed.\n--- cut run:\n" + cutOff
                + "\n--- next run:\n" + again.all());
        Map<String, String> nodes = f.nodeFacts();
        assertEquals(referenceNodes, nodes, () -> point + ": the boards differ from an uninterrupted run's:\n"
                + KillNineTest.diff(referenceNodes, nodes) + "--- cut run:\n" + cutOff + "\n--- next run:\n"
                + again.all());
        Map<String, String> state = f.stateFacts();
        assertEquals(referenceState, state, () -> point + ": the state differs from an uninterrupted run's:\n"
                + KillNineTest.diff(referenceState, state) + "--- cut run:\n" + cutOff + "\n--- next run:\n"
                + again.all());
        assertTrue(f.store().read().resources().stream().allMatch(r -> r.reboot() == null),
                "no reboot is left on record");
        CliRunner.Result plan = f.planDetailed();
        assertEquals(0, plan.exitCode(), () -> point + ": plan after convergence is not clean:\n" + plan.all());
        return again;
    }
}
