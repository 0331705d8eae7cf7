package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed change leaves behind is a planned change and a drift finding, never "No changes" (issue 11 class
 * 7, issue 19 point 3): a worker drained for its reboot does not come back within the timeout, so the apply fails
 * with the node cordoned. Once the board is back, plan shows "uncordon pending", drift reports it, and apply
 * uncordons it. A cordon a person made is left alone.
 */
class LeftoversE2eTest {
    static final int PORT = 24641;

    @TempDir
    Path tmp;

    @Test
    void aCordonAndAFlagLeftByFailedReboots_arePlanned_areDrift_andApplyUndoesThem() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.83.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());

            // pi-worker-2 booted without one of the flags (taken out of cmdline.txt by hand): the plan puts it back and
            // reboots the board, drained first (it is in the cluster). The board never comes back.
            for (String file : new String[] {"boot/firmware/cmdline.txt", "proc/cmdline"}) {
                Path p = f.node("pi-worker-2").root().resolve(file);
                Files.writeString(p, Files.readString(p).replace(" cgroup_memory=1", ""));
            }
            f.node("pi-worker-2").setRebootNeverReturns(true);
            CliRunner.Result failed = f.apply("--reboot-timeout", "2");
            assertEquals(1, failed.exitCode(), failed.all());
            assertContains(failed.err(), "pi-worker-2: wait for boot: the node did not come back");
            assertTrue(cordoned("pi-worker-2", f), "left cordoned");

            // The board is powered on again: the flag is booted now; the cordon is what is left.
            f.node("pi-worker-2").setRebootNeverReturns(false);
            f.node("pi-worker-2").powerOn();
            assertEquals(new TreeSet<>(java.util.Set.of("node.pi-worker-2")), f.pendingChanges());
            CliRunner.Result plan = f.plan();
            assertContains(plan.out(), "uncordon pending");
            assertContains(plan.out(), "cordoned_by_pictl");
            CliRunner.Result drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), drift.all());
            assertContains(drift.out(), "node.pi-worker-2");
            assertContains(drift.out(), "cordoned_by_pictl: false -> true");

            CliRunner.Result fix = f.apply();
            assertEquals(0, fix.exitCode(), fix.all());
            assertFalse(cordoned("pi-worker-2", f), "uncordoned");
            assertFalse(annotated("pi-worker-2", f), "pictl's mark is gone");
            assertEquals(0, f.plan("--detailed-exitcode").exitCode());
            assertEquals(0, f.withSim("drift").exitCode());

            // A flag added, and again the board does not come back: the kernel_params entry stays in_progress,
            // claiming the flag it started to add.
            String extra = E2e.edit(E2e.seed(), "\"cgroup_memory=1\"]", "\"cgroup_memory=1\", \"quiet\"]");
            f.write(extra);
            String target = "kernel_params.cgroups[pi-worker-2]";
            f.node("pi-worker-2").setRebootNeverReturns(true);
            CliRunner.Result cut = f.apply("--target", target, "--reboot-timeout", "2");
            assertEquals(1, cut.exitCode(), cut.all());
            f.node("pi-worker-2").setRebootNeverReturns(false);
            f.node("pi-worker-2").powerOn();
            assertTrue(List.of(f.cmdline("pi-worker-2").split(" ")).contains("quiet"), "booted with the flag");

            // The node matches now: not "No changes" but an unfinished entry to record, and drift says so.
            CliRunner.Result record = f.plan("--target", target, "--detailed-exitcode");
            assertEquals(2, record.exitCode(), record.all());
            assertContains(record.out(), "Unfinished: the last apply did not finish these (state: in_progress); "
                    + "their nodes already match, so apply only records them:\n  # kernel_params.cgroups[\"pi-worker-2\"]\n");
            CliRunner.Result unfinished = f.withSim("drift");
            assertEquals(2, unfinished.exitCode(), unfinished.all());
            assertContains(unfinished.out(), "resource unfinished");
            assertContains(unfinished.out(), "Unfinished: the last apply did not finish these (state: in_progress); "
                    + "`pictl apply` completes them:\n  kernel_params.cgroups[\"pi-worker-2\"] on pi-worker-2\n");

            // The description goes back: the flag the failed apply added is still pictl's, so the plan takes it out
            // (with the reboot that needs) and puts the cordon right; apply cleans both up.
            f.write(E2e.seed());
            CliRunner.Result back = f.plan("--detailed-exitcode");
            assertEquals(2, back.exitCode(), back.all());
            assertContains(back.out(), "kernel_params.cgroups[\"pi-worker-2\"] will be updated in-place");
            assertContains(back.out(), "\"quiet\"");
            assertContains(back.out(), "Reboots: pi-worker-2");
            assertContains(back.out(), "uncordon pending");
            CliRunner.Result clean = f.apply();
            assertEquals(0, clean.exitCode(), clean.all());
            assertFalse(List.of(f.cmdline("pi-worker-2").split(" ")).contains("quiet"), f.cmdline("pi-worker-2"));
            assertFalse(List.of(f.cmdlineTxt("pi-worker-2").split("\\s+")).contains("quiet"), f.cmdlineTxt("pi-worker-2"));
            assertFalse(cordoned("pi-worker-2", f), "uncordoned");
            assertEquals(0, f.plan("--detailed-exitcode").exitCode());
            assertEquals(0, f.withSim("drift").exitCode());
        }
    }

    @Test
    void aCordonAPersonMade_isNotPictls() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.84.", PORT + 1, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            assertEquals(0, f.apply().exitCode());
            f.sudo("pi-server-1", "kubectl cordon pi-worker-3");
            assertEquals(0, f.plan("--detailed-exitcode").exitCode(), "no change: a person's cordon");
            assertTrue(cordoned("pi-worker-3", f));
        }
    }

    private static JsonNode node(String name, E2e f) {
        return f.kubectlJson("get node " + name);
    }

    private static boolean cordoned(String name, E2e f) {
        return node(name, f).path("spec").path("unschedulable").asBoolean(false);
    }

    private static boolean annotated(String name, E2e f) {
        return node(name, f).path("metadata").path("annotations").has("pictl.dev/cordoned");
    }
}
