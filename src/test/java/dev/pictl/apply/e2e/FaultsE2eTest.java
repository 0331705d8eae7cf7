package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.sim.Unreachable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a seed apply through the real CLI: each is one clear error, what depends on the failed resource
 * is skipped, the independent nodes are finished (checked on the boards), and the state tells the truth: the next
 * plan has only what is left, and the next apply finishes it.
 */
class FaultsE2eTest {
    static final String BASE = "127.0.77.";

    @TempDir
    Path tmp;

    /** The seed's resources on {@code node} (the ones a fault on that board holds up). */
    static final String STORAGE_CLASS = "storage_class.local-storage";
    static final String PV = "pv.local-pv-1";

    /** {@code set} and the seed's cluster objects, which come after every agent. */
    static Set<String> withClusterObjects(Set<String> set) {
        Set<String> out = new TreeSet<>(set);
        out.add(STORAGE_CLASS);
        out.add(PV);
        return out;
    }

    static Set<String> perNode(String node, String... types) {
        Set<String> out = new TreeSet<>();
        for (String t : types) {
            out.add(switch (t) {
                case "node" -> "node." + node;
                case "kernel_params" -> "kernel_params.cgroups[\"" + node + "\"]";
                case "runtime" -> "runtime.docker[\"" + node + "\"]";
                case "k3s_agent" -> "k3s_agent.workers[\"" + node + "\"]";
                default -> throw new IllegalArgumentException(t);
            });
        }
        return out;
    }

    /** The seed is running on {@code done}; then the fault is cleared and apply finishes the rest. */
    private static void assertFinishedAfterwards(E2e f, List<String> done, Set<String> left) {
        if (!done.isEmpty()) {
            // The cluster objects come after every agent: held up too when an agent was.
            if (left.contains(STORAGE_CLASS)) {
                f.assertNodesRunning(done);
            } else {
                f.assertSeedRunning(done);
            }
        }
        assertEquals(left, f.pendingChanges(), "the next plan has exactly what the fault held up");
        CliRunner.Result again = f.apply();
        assertEquals(0, again.exitCode(), again.all());
        f.assertSeedRunning(E2e.SEED_NODES);
        CliRunner.Result plan = f.plan("--detailed-exitcode");
        assertEquals(0, plan.exitCode(), plan.all());
    }

    @Test
    void workerUnreachableMidApply_failsItsKernelParams_skipsItsDependents_finishesTheOthers() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.bareSeedBoards(BASE, 24634))) {
            f.withToken(E2e.TOKEN);
            // Slow round trips on pi-worker-3 leave a window between its cmdline.txt edit and the next command.
            f.node("pi-worker-3").setLatency(Duration.ofMillis(300));
            Path cmdline = f.node("pi-worker-3").root().resolve("boot/firmware/cmdline.txt");
            CompletableFuture<CliRunner.Result> run = CompletableFuture.supplyAsync(() -> f.apply());
            // pi-worker-3 drops off the network as soon as its kernel_params has edited cmdline.txt.
            for (int i = 0; i < 20_000 && !Files.readString(cmdline).contains("cgroup_memory=1"); i++) {
                assertFalse(run.isDone(), () -> run.join().all());
                Thread.sleep(1);
            }
            f.node("pi-worker-3").setUnreachable(Unreachable.REFUSED);
            CliRunner.Result r = run.get(60, TimeUnit.SECONDS);

            assertEquals(1, r.exitCode(), r.all());
            assertTrue(E2e.afterWarnings(r.err()).startsWith("Error: pi-worker-3: edit cmdline.txt: the connection was lost mid-command"),
                    r.err());
            assertContains(r.err(), "the step's effect on the node is unknown until it is probed again");
            assertContains(r.err(), "Skipped 4 resources:\n"
                    + "  runtime.docker[\"pi-worker-3\"] (kernel_params.cgroups[\"pi-worker-3\"] failed)\n"
                    + "  k3s_agent.workers[\"pi-worker-3\"] (kernel_params.cgroups[\"pi-worker-3\"] failed)\n"
                    + "  storage_class.local-storage (kernel_params.cgroups[\"pi-worker-3\"] failed)\n"
                    + "  pv.local-pv-1 (kernel_params.cgroups[\"pi-worker-3\"] failed)\n");
            assertContains(r.err(), "Apply failed. Resources: 9 added, 4 changed, 0 destroyed. 1 failed, 4 skipped.");
            // Its file was edited (the command ran; its answer was lost) but it never rebooted; nothing else reached it.
            assertTrue(f.cmdlineTxt("pi-worker-3").contains("cgroup_memory=1"));
            assertFalse(f.events().contains("reboot pi-worker-3"), f.events().toString());
            assertFalse(f.cmdline("pi-worker-3").contains("cgroup_memory=1"));
            assertEquals("", f.packageStatus("pi-worker-3", "docker.io"));

            f.node("pi-worker-3").clearFaults();
            assertFinishedAfterwards(f, List.of("pi-server-1", "pi-worker-1", "pi-worker-2"),
                    withClusterObjects(perNode("pi-worker-3", "kernel_params", "runtime", "k3s_agent")));
        }
    }

    @Test
    void rebootThatNeverReturns_timesOut_skipsItsDependents_finishesTheOthers() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.bareSeedBoards(BASE, 24635))) {
            f.withToken(E2e.TOKEN);
            f.node("pi-worker-2").setRebootNeverReturns(true);
            CliRunner.Result r = f.apply("--reboot-timeout", "5");

            assertEquals(1, r.exitCode(), r.all());
            assertTrue(f.events().contains("pi-worker-2 did not come back after reboot"), f.events().toString());
            assertContains(r.err(), "Error: pi-worker-2: wait for boot: the node did not come back with a new boot_id "
                    + "within 5s");
            assertContains(r.err(), "Skipped 4 resources:\n"
                    + "  runtime.docker[\"pi-worker-2\"] (kernel_params.cgroups[\"pi-worker-2\"] failed)\n"
                    + "  k3s_agent.workers[\"pi-worker-2\"] (kernel_params.cgroups[\"pi-worker-2\"] failed)\n"
                    + "  storage_class.local-storage (kernel_params.cgroups[\"pi-worker-2\"] failed)\n"
                    + "  pv.local-pv-1 (kernel_params.cgroups[\"pi-worker-2\"] failed)\n");
            assertFalse(f.node("pi-worker-2").isUp());

            f.node("pi-worker-2").setRebootNeverReturns(false);
            f.node("pi-worker-2").powerOn();
            assertFinishedAfterwards(f, List.of("pi-server-1", "pi-worker-1", "pi-worker-3"),
                    withClusterObjects(perNode("pi-worker-2", "runtime", "k3s_agent")));
        }
    }

    @Test
    void failingK3sInstall_showsTheStderrTail_skipsAgentsAndStorage_finishesTheHosts() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.bareSeedBoards(BASE, 24636))) {
            f.withToken(E2e.TOKEN);
            // The install script cannot create /usr/local/bin on the server (a file is in the way), so it stops with
            // mkdir's error; the tests run as root, so a read-only directory would not stop it.
            f.exec("pi-server-1", "cd \"$PICTL_ROOT/usr/local\" && mv bin bin.aside && echo junk > bin");
            CliRunner.Result r = f.apply();

            assertEquals(1, r.exitCode(), r.all());
            assertTrue(E2e.afterWarnings(r.err()).startsWith("Error: pi-server-1: install k3s"), r.err());
            assertTrue(r.err().matches("(?s).*mkdir: cannot create directory .*/usr/local/bin.*: File exists.*"), r.err());
            assertContains(r.err(), "run the install on the node to see its whole output");
            assertNotContains(r.all(), E2e.TOKEN);
            for (String skipped : List.of("k3s_agent.workers[\"pi-worker-1\"]", "k3s_agent.workers[\"pi-worker-2\"]",
                    "k3s_agent.workers[\"pi-worker-3\"]", "storage_class.local-storage", "pv.local-pv-1")) {
                assertContains(r.err(), "  " + skipped + " (k3s_server.control failed)\n");
            }
            assertContains(r.err(), "Apply failed. Resources: 8 added, 4 changed, 0 destroyed. 1 failed, 5 skipped.");
            // The hosts are finished on every board: hostname, booted cgroup flags, docker.io; k3s nowhere.
            for (String n : E2e.SEED_NODES) {
                assertEquals(n, f.hostname(n));
                assertTrue(f.cgroupControllers(n).contains("memory"), n);
                assertEquals("install ok installed", f.packageStatus(n, "docker.io"), n);
                assertFalse(f.sudoAny(n, "command -v k3s").exitCode() == 0, n + " has no k3s");
            }

            f.exec("pi-server-1", "cd \"$PICTL_ROOT/usr/local\" && rm bin && mv bin.aside bin");
            Set<String> left = new TreeSet<>(Set.of("k3s_server.control", "storage_class.local-storage", "pv.local-pv-1"));
            E2e.WORKERS.forEach(w -> left.add("k3s_agent.workers[\"" + w + "\"]"));
            assertFinishedAfterwards(f, List.of(), left);
        }
    }

    @Test
    void tokenThatDiffersFromTheRunningServers_isRefusedByThePlan_andNothingRuns() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards(BASE, 24637, E2e.VERSION))) {
            f.withToken("not-the-servers-t0ken");
            Map<String, Long> execs = f.execCounts();
            int events = f.events().size();
            CliRunner.Result r = f.apply();

            assertEquals(1, r.exitCode(), r.all());
            assertContains(r.all(), "k3s token rotate");
            assertContains(r.err(), "Nothing applied");
            assertNotContains(r.all(), "not-the-servers-t0ken");
            assertNotContains(r.all(), E2e.TOKEN);
            // Only the probe ran on each board; nothing changed there.
            Map<String, Long> after = f.execCounts();
            for (String n : E2e.SEED_NODES) {
                assertEquals(execs.get(n) + 1, after.get(n), n + ": " + execs + " -> " + after);
            }
            assertEquals(List.of(), f.eventsSince(events));
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/node-token\"").strip()
                    .endsWith("::server:" + E2e.TOKEN));
            assertEquals(E2e.SEED_NODES, f.readyNodes());
            assertFalse(java.nio.file.Files.exists(f.state()) && f.stateAddresses().size() > 0, "no state recorded");
        }
    }
}
