package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyResult;
import dev.pictl.apply.Outcome;
import dev.pictl.plan.Action;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The apply summary's closing line tells the truth (issue 19 point 1): Ctrl-C that came after the last change had
 * started is a complete apply, not "run pictl apply again to finish"; a failure or a skipped change is not.
 */
@Tag("fast")
class ApplySummaryTest {
    private static final ResourceAddress A = ResourceAddress.of("node", "pi-1");
    private static final ResourceAddress B = ResourceAddress.of("kernel_params", "cgroups", "pi-1");
    private static final Outcome DONE = new Outcome.Succeeded(A, Action.UPDATE, Duration.ofSeconds(1));
    private static final Outcome CREATED = new Outcome.Succeeded(B, Action.CREATE, Duration.ofSeconds(1));

    @Test
    void allDone_isComplete() {
        ApplyResult r = new ApplyResult(List.of(DONE, CREATED), false, 7);
        assertTrue(ApplyCommand.complete(r));
        assertEquals("Apply complete! Resources: 1 added, 1 changed, 0 destroyed.", ApplyCommand.closing(r, " -c lab"));
    }

    @Test
    void interruptedAfterTheLastChangeStarted_isComplete_andSaysSo() {
        ApplyResult r = new ApplyResult(List.of(DONE, CREATED), true, 7);
        assertTrue(ApplyCommand.complete(r));
        String line = ApplyCommand.closing(r, " -c lab");
        assertEquals("Apply complete! Resources: 1 added, 1 changed, 0 destroyed. (Interrupted after the last change "
                + "had started; it finished, and nothing was left undone.)", line);
        assertFalse(line.contains("again"), line);
    }

    @Test
    void interruptedWithChangesNotStarted_isNotComplete_andSaysHowToFinish() {
        ApplyResult r = new ApplyResult(List.of(DONE, new Outcome.Skipped(B, Action.CREATE, "the apply was interrupted")),
                true, 7);
        assertFalse(ApplyCommand.complete(r));
        assertEquals("Apply interrupted. Resources: 0 added, 1 changed, 0 destroyed. 0 failed, 1 skipped. The state "
                + "records what was done (serial 7); run pictl apply -c lab again to finish.", ApplyCommand.closing(r, " -c lab"));
    }

    @Test
    void aFailure_isNotComplete_evenWhenInterrupted() {
        Outcome failed = new Outcome.Failed(B, Action.CREATE, Duration.ZERO, new ApplyException("pi-1", "edit", "boom", null));
        for (boolean interrupted : new boolean[] {false, true}) {
            ApplyResult r = new ApplyResult(List.of(DONE, failed), interrupted, 9);
            assertFalse(ApplyCommand.complete(r));
            assertTrue(ApplyCommand.closing(r, "").startsWith(interrupted ? "Apply interrupted. " : "Apply failed. "));
            assertTrue(ApplyCommand.closing(r, "").endsWith("1 failed, 0 skipped. The state records what was done "
                    + "(serial 9); run pictl apply again to finish."));
        }
    }
}
