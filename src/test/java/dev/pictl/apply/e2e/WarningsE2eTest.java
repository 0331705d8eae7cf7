package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's health warnings (issue 19 point 8): an advisory one (SD-card boot) is one line for every board, and
 * the description's drift ignore rules silence it in plan as they do in drift.
 */
class WarningsE2eTest {
    @TempDir
    Path tmp;

    @Test
    void sdCardAdvice_isOneLine_andTheDriftIgnoreRuleSilencesItInPlan() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.bareSeedBoards("127.0.85.", 24645))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            assertContains(plan.err(), "Warning: pi-server-1, pi-worker-1, pi-worker-2, pi-worker-3: boots from an SD "
                    + "card; k3s's datastore wears SD cards out, a USB SSD lasts longer");
            assertEquals(1, plan.err().split("boots from an SD card", -1).length - 1, plan.err());

            f.write(E2e.seed() + "\ndrift {\n  ignore = [\"health.*.sd_card_boot\"]\n}\n");
            CliRunner.Result quiet = f.plan();
            assertEquals(0, quiet.exitCode(), quiet.all());
            assertNotContains(quiet.all(), "SD card");
        }
    }
}
