package dev.pictl.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.addr.ResourceAddress;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The exit code's precedence, 3 &gt; 2 &gt; 0 (errors, 1, never get a report), and what counts as drift. */
@Tag("fast")
class DriftReportTest {
    private static final DriftReport.StateInfo STATE = new DriftReport.StateInfo("pictl.state.json", true, "l", 7);
    private static final DriftReport.Drifted DRIFTED = new DriftReport.Drifted(ResourceAddress.of("k3s_server", "control"),
            "pi-1", false, List.of(new DriftReport.AttributeDrift("running", true, false, false)));
    private static final DriftReport.Unreachable DOWN = new DriftReport.Unreachable("pi-2", "10.0.0.2", "refused", "",
            List.of());
    private static final DriftReport.HealthItem THROTTLED = new DriftReport.HealthItem("pi-1", "throttled_now",
            "throttled=0x50005", false);
    private static final DriftReport.HealthItem SD_CARD = new DriftReport.HealthItem("pi-1", "sd_card_boot", "sd", true);
    private static final DriftReport.Unapplied EDIT = new DriftReport.Unapplied(ResourceAddress.of("pv", "x"), "pi-1",
            "create", false, List.of());

    private static DriftReport report(List<DriftReport.Drifted> drift, List<DriftReport.Unreachable> down,
                                      List<DriftReport.HealthItem> health, List<DriftReport.Unapplied> edits,
                                      boolean includeUnapplied, boolean failOnHealth) {
        return new DriftReport("c", "0", STATE, drift, List.of(), down, health, edits, List.of(), List.of(), List.of(),
                new DriftReport.Options(includeUnapplied, failOnHealth));
    }

    @Test
    void nothing_isClean0() {
        DriftReport r = report(List.of(), List.of(), List.of(SD_CARD), List.of(), false, true);
        assertEquals(0, r.exitCode());
        assertEquals("clean", r.result());
    }

    @Test
    void drift_is2() {
        assertEquals(2, report(List.of(DRIFTED), List.of(), List.of(), List.of(), false, false).exitCode());
    }

    @Test
    void unreachable_is3_evenWithDrift() {
        assertEquals(3, report(List.of(DRIFTED), List.of(DOWN), List.of(THROTTLED), List.of(EDIT), true, true).exitCode());
        assertEquals(3, report(List.of(), List.of(DOWN), List.of(), List.of(), false, false).exitCode());
    }

    @Test
    void unappliedEdits_countOnlyWhenAsked() {
        assertEquals(0, report(List.of(), List.of(), List.of(), List.of(EDIT), false, false).exitCode());
        assertEquals(2, report(List.of(), List.of(), List.of(), List.of(EDIT), true, false).exitCode());
    }

    @Test
    void health_countsOnlyWithFailOnHealth_andNeverWhenAdvisory() {
        assertEquals(0, report(List.of(), List.of(), List.of(THROTTLED), List.of(), false, false).exitCode());
        assertEquals(2, report(List.of(), List.of(), List.of(THROTTLED, SD_CARD), List.of(), false, true).exitCode());
        assertEquals(List.of(THROTTLED), report(List.of(), List.of(), List.of(THROTTLED, SD_CARD), List.of(), false, true)
                .failingHealth());
        assertEquals(0, report(List.of(), List.of(), List.of(SD_CARD), List.of(), false, true).exitCode());
    }

    /** Issue 15: an error-level finding (a certificate about to expire, a full disk) counts without fail_on_health. */
    @Test
    void errorLevelHealth_countsAlways() {
        DriftReport.HealthItem cert = new DriftReport.HealthItem("pi-1", "cert_expiring", "expires in 9 days", false, true);
        DriftReport r = report(List.of(), List.of(), List.of(cert, THROTTLED, SD_CARD), List.of(), false, false);
        assertEquals(2, r.exitCode());
        assertEquals(List.of(cert), r.failingHealth());
        assertEquals(List.of("error", "warning", "advisory"), List.of(cert.level(), THROTTLED.level(), SD_CARD.level()));
        assertEquals(List.of(cert, THROTTLED), report(List.of(), List.of(), List.of(cert, THROTTLED, SD_CARD), List.of(),
                false, true).failingHealth());
    }

    @Test
    void unreadableResources_countAsDrift() {
        DriftReport r = new DriftReport("c", "0", STATE, List.of(), List.of(new DriftReport.Unreadable(
                ResourceAddress.of("kernel_params", "cgroups", "pi-1"), "pi-1", "no usable cmdline.txt")), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), new DriftReport.Options(false, false));
        assertEquals(2, r.exitCode());
    }

    @Test
    void unfinishedResources_countAsDrift_evenWithNothingElse() {
        DriftReport r = new DriftReport("c", "0", STATE, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(new DriftReport.Unfinished(ResourceAddress.of("kernel_params", "cgroups", "pi-1"), "pi-1")),
                List.of(), List.of(), new DriftReport.Options(false, false));
        assertEquals(2, r.exitCode());
        assertEquals("drift", r.result());
    }
}
