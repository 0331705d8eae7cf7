package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OS updates that roll (issue 15), through the real CLI on one applied seed fleet, in three acts: updates on all four
 * boards and a kernel on two roll through, server first, one board at a time, only the kernel boards reboot; a
 * package that fails to configure stops the roll with dpkg's tail, and the next run resumes; a dpkg lock held by
 * apt-daily delays a saved upgrade plan, which then succeeds. The order is read from the simulator's event log, what
 * is pending from the boards' own apt.
 */
class OsUpdatesE2eTest {
    static final int PORT = 24695;
    static final String POLICY = """

            os_updates "all" {
              nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2, node.pi-worker-3]
            }
            """;
    static final List<String> KERNEL_BOARDS = List.of("pi-server-1", "pi-worker-2");

    @TempDir
    Path tmp;

    @Test
    void updatesRollServerFirst_oneBoardAtATime_failureStopsTheRoll_lockDelays() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed() + POLICY, E2e.provisionedSeedBoards("127.0.151.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());

            // Act 1: pending updates are listed, not changes.
            for (String n : E2e.SEED_NODES) {
                f.node(n).aptFault("updates", "4", "1");
            }
            for (String n : KERNEL_BOARDS) {
                f.node(n).aptFault("kernel-update");
            }
            CliRunner.Result plan = f.plan("--detailed-exitcode");
            assertEquals(0, plan.exitCode(), plan.all());
            assertContains(plan.out(), "No changes.");
            assertContains(plan.out(), "Updates available (not changes; pictl apply -c cluster.hcl --sim=sim "
                    + "--upgrade-os installs them):");
            assertContains(plan.out(), "  pi-server-1: 5 (1 security), kernel \u2192 reboot\n");
            assertContains(plan.out(), "  pi-worker-1: 4 (1 security)\n");
            assertContains(plan.out(), "  pi-worker-2: 5 (1 security), kernel \u2192 reboot\n");
            String planJson = f.plan("--json").out();
            assertEquals(List.of(), dev.pictl.plan.PlanFixture.violations(planJson), planJson);
            JsonNode json = E2e.JSON.readTree(planJson);
            assertEquals(4, json.path("updates_available").size(), json.toString());
            assertEquals(0, json.path("summary").path("change").asInt());

            String upgradeJson = f.plan("--upgrade-os", "--json").out();
            assertEquals(List.of(), dev.pictl.plan.PlanFixture.violations(upgradeJson), upgradeJson);
            assertTrue(E2e.JSON.readTree(upgradeJson).path("upgrade_os").asBoolean(), upgradeJson);
            CliRunner.Result upgradePlan = f.plan("--upgrade-os", "--detailed-exitcode");
            assertEquals(2, upgradePlan.exitCode(), upgradePlan.all());
            assertContains(upgradePlan.out(), "Plan: 0 to add, 4 to change, 0 to destroy.");
            assertContains(upgradePlan.out(), "\"linux-image-rpi-v8 1:6.6.51-1+rpt3 -> 1:6.6.62-1+rpt1 (kernel)\"");

            int from = f.events().size();
            CliRunner.Result roll = f.apply("--upgrade-os");
            assertEquals(0, roll.exitCode(), roll.all());
            assertContains(roll.out(), "Apply complete! Resources: 0 added, 4 changed, 0 destroyed.");
            List<String> ev = f.eventsSince(from);
            List<Integer> upgraded = new ArrayList<>();
            for (String n : E2e.SEED_NODES) {
                upgraded.add(indexOf(ev, "apt-get full-upgrade on " + n + ": "));
                assertContains(roll.out(), "os_updates.all[\"" + n + "\"]: drain");
                assertContains(roll.out(), "os_updates.all[\"" + n + "\"]: uncordon");
            }
            // The server first; each board done (back from its reboot) before the next one starts.
            for (int i = 1; i < upgraded.size(); i++) {
                assertTrue(upgraded.get(0) < upgraded.get(i), "the server was not upgraded first: " + ev);
            }
            List<Integer> order = upgraded.stream().sorted().toList();
            for (int i = 0; i + 1 < order.size(); i++) {
                String n = E2e.SEED_NODES.get(upgraded.indexOf(order.get(i)));
                int done = KERNEL_BOARDS.contains(n) ? indexOf(ev, "boot " + n + " boot_id=") : order.get(i);
                assertTrue(done < order.get(i + 1), n + " was not back before the next board started: " + ev);
            }
            for (String n : E2e.SEED_NODES) {
                long reboots = ev.stream().filter(e -> e.equals("reboot " + n)).count();
                assertEquals(KERNEL_BOARDS.contains(n) ? 1 : 0, reboots, n + ": " + ev);
                assertEquals("0 upgraded", pending(f, n), n);
            }
            assertEquals(E2e.SEED_NODES, f.readyNodes());
            assertTrue(f.kubectlJson("get nodes").path("items").findValues("unschedulable").stream()
                    .noneMatch(JsonNode::asBoolean), "a node stayed cordoned");
            CliRunner.Result after = f.plan("--detailed-exitcode");
            assertEquals(0, after.exitCode(), after.all());
            assertNotContains(after.out(), "Updates available");

            // Act 2: a package that fails to configure on the second board stops the roll there.
            for (String n : E2e.SEED_NODES) {
                f.node(n).aptFault("updates", "2", "0");
            }
            for (String n : E2e.WORKERS) {
                f.node(n).aptFault("package-fails", "tzdata");
            }
            from = f.events().size();
            CliRunner.Result stopped = f.apply("--upgrade-os");
            assertEquals(1, stopped.exitCode(), stopped.all());
            List<String> ev2 = f.eventsSince(from);
            indexOf(ev2, "apt-get full-upgrade on pi-server-1: 2 upgraded");
            String failed = E2e.WORKERS.stream().filter(w -> ev2.stream().anyMatch(e -> e.startsWith(
                    "apt-get full-upgrade on " + w + ": "))).findFirst().orElseThrow();
            assertContains(stopped.all(), failed + ": upgrade packages: the upgrade failed:");
            assertContains(stopped.all(), "dpkg: error processing package tzdata (--configure):");
            assertContains(stopped.all(), "E: Sub-process /usr/bin/dpkg returned an error code (1)");
            for (String w : E2e.WORKERS) {
                if (!w.equals(failed)) {
                    assertTrue(ev2.stream().noneMatch(e -> e.contains(" on " + w + ":")), w + " was touched: " + ev2);
                    assertEquals("2 upgraded", pending(f, w), w);
                    assertContains(stopped.all(), "os_updates.all[\"" + w + "\"]: skipped (the roll stopped: "
                            + "os_updates.all[\"" + failed + "\"] failed)");
                }
            }
            // The next run resumes: the failed board's package is configured, the others upgraded.
            for (String w : E2e.WORKERS) {
                f.node(w).aptFault("package-fails", "none");
            }
            CliRunner.Result resumed = f.apply("--upgrade-os");
            assertEquals(0, resumed.exitCode(), resumed.all());
            for (String n : E2e.SEED_NODES) {
                assertEquals("0 upgraded", pending(f, n), n);
                assertTrue(f.exec(n, "dpkg-query -W -f='${db:Status-Abbrev}' tzdata").startsWith("ii"), n);
            }

            // Act 3: a saved upgrade plan waits for the dpkg lock apt-daily holds, then succeeds.
            f.node("pi-worker-3").aptFault("updates", "1", "1");
            CliRunner.Result saved = f.plan("--upgrade-os", "--out", "up.plan");
            assertEquals(0, saved.exitCode(), saved.all());
            f.node("pi-worker-3").aptFault("dpkg-lock", "600");
            int since = f.events().size();
            from = since;
            java.util.concurrent.CompletableFuture<CliRunner.Result> applying =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> f.apply("up.plan"));
            // apt waits for the lock (and apply with it) until apt-daily lets go of it: here, once apt is seen waiting.
            Await.until("apt-get waiting for the dpkg lock on pi-worker-3", Duration.ofSeconds(60),
                    () -> f.eventsSince(since).stream().anyMatch(e -> e.startsWith(
                            "apt-get on pi-worker-3: waiting for the dpkg lock")));
            assertTrue(!applying.isDone(), "apply did not wait for the lock");
            f.node("pi-worker-3").aptFault("dpkg-lock", "0");
            CliRunner.Result waited = applying.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, waited.exitCode(), waited.all());
            List<String> ev3 = f.eventsSince(from);
            int lock = indexOf(ev3, "apt-get on pi-worker-3: waited ");
            assertTrue(lock < indexOf(ev3, "apt-get full-upgrade on pi-worker-3: 1 upgraded"), ev3.toString());
            assertEquals("0 upgraded", pending(f, "pi-worker-3"));
        }
    }

    /** "N upgraded" from the board's own {@code apt-get -s full-upgrade}. */
    private static String pending(E2e f, String node) {
        String out = f.sudo(node, "apt-get -s full-upgrade");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+ upgraded),").matcher(out);
        assertTrue(m.find(), node + ": " + out);
        return m.group(1);
    }

    private static int indexOf(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no event \"" + prefix + "...\" in " + events);
    }
}
