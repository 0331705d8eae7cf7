package dev.pictl.apply.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, point 2, on one running seed fleet through the real CLI, every outcome read from the boards (their
 * config.txt, what their {@code vcgencmd get_config} reports, the simulator's event log):
 *
 * <ol>
 *   <li>a boot_config sets the PoE+ HAT's fan thresholds on two workers, in the same apply as a new kernel parameter
 *       on every board: the plan announces the reboots, the apply reboots each board once (the two workers too, which
 *       have both changes), vcgencmd shows the values and /proc/cmdline the parameter, and every other line of
 *       config.txt is as it was;</li>
 *   <li>the next plan has nothing to do; a pending bootloader EEPROM update is an advisory there (exit 0);</li>
 *   <li>a hand edit of one of pictl's lines is drift on that board; a hand edit of another line is not;</li>
 *   <li>a line the firmware skips (fault {@code config-ignore}) fails the apply, after the board rejoined the cluster
 *       (uncordoned), with the node, the line and what
 *       vcgencmd reported.</li>
 * </ol>
 */
class BootConfigE2eTest {
    static final int PORT = 24815;
    static final String CONFIG = "boot/firmware/config.txt";

    @TempDir
    Path tmp;

    /** The seed with one more kernel parameter (every board) and the fan thresholds on two workers. */
    static String withFans(String temp0, String temp1) {
        return E2e.edit(E2e.seed(), "\"cgroup_memory=1\"]", "\"cgroup_memory=1\", \"usbcore.autosuspend=-1\"]") + """

                boot_config "poe" {
                  nodes = [node.pi-worker-1, node.pi-worker-2]
                  sections = {
                    pi4 = [
                      "dtoverlay=rpi-poe-plus",
                      "dtparam=poe_fan_temp0=%s",
                      "dtparam=poe_fan_temp1=%s",
                    ]
                  }
                }
                """.formatted(temp0, temp1);
    }

    @Test
    void poeFanThresholds_rebootOnce_vcgencmdShowsThem_handEditIsDrift_otherLinesAlone() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.151.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            String original = Files.readString(f.node("pi-worker-1").root().resolve(CONFIG));

            // 1. The thresholds: announced as a reboot, one reboot per board, the values in effect.
            f.write(withFans("60000", "65000"));
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            assertTrue(plan.out().contains("boot_config.poe[\"pi-worker-1\"]"), plan.out());
            assertTrue(plan.out().toLowerCase().contains("reboot"), "the plan announces the reboot:\n" + plan.out());
            int before = f.events().size();
            CliRunner.Result applied = f.apply();
            assertEquals(0, applied.exitCode(), applied.all());
            List<String> events = f.events().subList(before, f.events().size());
            for (String n : List.of("pi-server-1", "pi-worker-1", "pi-worker-2", "pi-worker-3")) {
                assertEquals(1, events.stream().filter(e -> e.equals("reboot " + n)).count(), n + " once:\n" + events + "\n" + applied.out());
                assertTrue(f.cmdline(n).contains("usbcore.autosuspend=-1"), n + ": " + f.cmdline(n));
            }
            assertTrue(applied.out().contains("(one reboot of pi-worker-1 for both)"), applied.out());
            for (String n : List.of("pi-worker-1", "pi-worker-2")) {
                assertEquals("poe_fan_temp0=60000", f.exec(n, "vcgencmd get_config poe_fan_temp0").strip());
                assertEquals("poe_fan_temp1=65000", f.exec(n, "vcgencmd get_config poe_fan_temp1").strip());
                String now = Files.readString(f.node(n).root().resolve(CONFIG));
                assertTrue(now.startsWith(original), n + ": the file's own lines first, byte for byte:\n" + now);
                assertEquals(original, Files.readString(f.node(n).root().resolve(CONFIG + ".pictl-bak")));
            }
            assertEquals("poe_fan_temp0=0", f.exec("pi-worker-3", "vcgencmd get_config poe_fan_temp0").strip(),
                    "a board without the block keeps the default");

            // 2. Nothing left to do. An EEPROM update on a board is an advisory: shown, never a change or a failure.
            assertEquals(new TreeSet<>(), f.pendingChanges());
            f.node("pi-worker-1").setEepromUpdateAvailable(true);
            CliRunner.Result advised = f.plan("--detailed-exitcode");
            assertEquals(0, advised.exitCode(), advised.all());
            assertTrue(advised.all().contains("pi-worker-1") && advised.all().contains("the bootloader EEPROM has an "
                    + "update available (current Mon Jan 22 10:41:21 UTC 2024 (1705920081), latest Tue Oct  8 "
                    + "10:48:13 UTC 2024 (1728384493))"), advised.all());
            assertTrue(f.exec("pi-worker-1", "rpi-eeprom-update; echo exit=$?").contains("exit=1"));

            // 3. A hand edit of one of pictl's lines is drift; of another line, not.
            f.sudo("pi-worker-1", "sed -i 's/^dtparam=poe_fan_temp0=60000$/dtparam=poe_fan_temp0=50000/' "
                    + "\"$PICTL_ROOT\"/" + CONFIG);
            f.sudo("pi-worker-2", "sed -i 's/^max_framebuffers=2$/max_framebuffers=3/' \"$PICTL_ROOT\"/" + CONFIG);
            CliRunner.Result drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), drift.all());
            assertTrue(drift.out().contains("boot_config.poe[\"pi-worker-1\"]"), drift.out());
            assertTrue(drift.out().contains("poe_fan_temp0=50000"), drift.out());
            assertFalse(drift.out().contains("boot_config.poe[\"pi-worker-2\"]"), drift.out());
            assertEquals(new TreeSet<>(List.of("boot_config.poe[\"pi-worker-1\"]")), f.pendingChanges());

            // 4. A line the firmware skips: the apply reboots once and fails naming node, line and vcgencmd's report.
            f.node("pi-worker-2").ignoreConfigKey("poe_fan_temp1");
            f.write(withFans("60000", "70000"));
            CliRunner.Result failed = f.apply();
            assertEquals(1, failed.exitCode(), failed.all());
            assertTrue(failed.err().contains("pi-worker-2: verify: after the reboot the firmware does not apply "
                    + "\"dtparam=poe_fan_temp1=70000\" [pi4]: vcgencmd get_config reports no poe_fan_temp1"),
                    failed.err());
            assertEquals("poe_fan_temp1=70000", f.exec("pi-worker-1", "vcgencmd get_config poe_fan_temp1").strip(),
                    "the other board took it");
            assertTrue(Files.readString(f.node("pi-worker-2").root().resolve(CONFIG)).contains("max_framebuffers=3"),
                    "the hand edit of the user's line is still there");
            assertFalse(f.kubectlJson("get node pi-worker-2").path("spec").path("unschedulable").asBoolean(false),
                    "the board rejoined the cluster before the failure: not left cordoned");
        }
    }
}
