package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.Config;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.CertProbe;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 15: {@code cert_renewal_days}, the {@code certificates} pseudo-attribute and its rules. */
@Tag("fast")
class CertRenewalTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final NodeObservation.Facts FACTS = new NodeObservation.Facts("Raspberry Pi 4 Model B Rev 1.4", "aarch64",
            "arm64", 3_884_000, 3_000_000, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8", "/dev/mmcblk0p2", "sd", "0x0",
            45.0, "boot-pi-1", "pi-1", "pi-1", "pi-1");

    @TempDir
    Path tmp;

    /** Days left on the earliest certificate, the margin → the desired value (the same date: no change). */
    @ParameterizedTest(name = "{0} days left, margin {1} -> {2}")
    @CsvSource({
        "200, 30, 2027-06-25",
        "31, 30, 2027-01-07",
        "30, 30, 2027-12-07 (after renewal)",
        "20, 30, 2027-12-07 (after renewal)",
        "-5, 30, 2027-12-07 (after renewal)",
        "100, 120, 2027-12-07 (after renewal)",
    })
    void desired(int daysLeft, int margin, String expected) {
        assertEquals(expected, CertRenewal.desired(NOW.plus(Duration.ofDays(daysLeft)), margin, NOW));
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        "2027-01-06, 2027-12-07, true",
        "2027-01-06, , true",
        "2027-12-07 (after renewal), 2027-01-06, false",
        "2027-12-07 (after renewal), 2027-12-07 (after renewal), true",
    })
    void same_plainDatesAlwaysAgree_aRenewalIsCompared(String desired, String observed, boolean same) {
        assertEquals(same, CertRenewal.same(desired, observed));
    }

    @Test
    void serverKind_plansARenewal_withTheDatesBeforeAndAfter_andItsReason() {
        Config config = TestContexts.config(tmp, hcl("cert_renewal_days = 30"));
        ResourceInstance server = config.ofType(K3sServerType.NAME).get(0);
        Instant earliest = Instant.now().plus(Duration.ofDays(20));
        NodeObservation o = NodeObservation.of("pi-1", FACTS).with(CertProbe.CERTS, new CertProbe.Certs(List.of(
                new CertProbe.Cert("/var/lib/rancher/k3s/server/tls/client-admin.crt", earliest),
                new CertProbe.Cert("/var/lib/rancher/k3s/agent/client-kubelet.crt", earliest.plus(Duration.ofDays(3))))));
        PlanContext ctx = TestContexts.plan(config, o);
        Map<String, Object> desired = new K3sServerKind().desired(server, ctx);
        String after = CertProbe.day(Instant.now().plus(Duration.ofDays(365))) + CertRenewal.RENEWED;
        assertEquals(after, desired.get(CertRenewal.ATTRIBUTE));
        Map<String, Object> observed = CertRenewal.withObserved(Map.of(), server, ctx, List.of("pi-1"));
        assertEquals(CertProbe.day(earliest), observed.get(CertRenewal.ATTRIBUTE));
        List<AttributeChange> changes = List.of(new AttributeChange(CertRenewal.ATTRIBUTE, CertProbe.day(earliest),
                after, false, false));
        assertEquals(ActionReason.CERT_RENEWAL, new K3sServerKind().updateReason(Map.of("running", true), changes));
        assertTrue(CertRenewal.renews(changes));
        assertEquals(after, CertRenewal.planned(new dev.pictl.plan.ResourceChange(server.address(), "pi-1",
                dev.pictl.plan.Action.UPDATE, ActionReason.CERT_RENEWAL, Map.of(), Map.of(), java.util.Set.of(), changes,
                false, false, null, "", List.of())));
    }

    @Test
    void withoutAMargin_noCertificatesAttribute_andNothingIsPlanned() {
        Config config = TestContexts.config(tmp, hcl(""));
        ResourceInstance server = config.ofType(K3sServerType.NAME).get(0);
        NodeObservation o = NodeObservation.of("pi-1", FACTS).with(CertProbe.CERTS, new CertProbe.Certs(List.of(
                new CertProbe.Cert("/x/client-admin.crt", Instant.now().plus(Duration.ofDays(2))))));
        PlanContext ctx = TestContexts.plan(config, o);
        assertFalse(new K3sServerKind().desired(server, ctx).containsKey(CertRenewal.ATTRIBUTE));
        assertNull(CertRenewal.margin(server));
    }

    @ParameterizedTest(name = "cert_renewal_days = {0} -> {1}")
    @CsvSource({"30, ok", "1, ok", "300, ok", "0, error", "301, error", "7.5, error", "-3, error"})
    void margin_isAWholeNumberOfDaysFrom1To300(String value, String outcome) {
        String error = "error " + tmp.resolve("cluster.hcl") + ":8:23: cert_renewal_days must be a whole number of days "
                + "from 1 to 300";
        if (outcome.equals("ok")) {
            Config config = TestContexts.config(tmp, hcl("cert_renewal_days = " + value));
            assertEquals(Integer.parseInt(value), CertRenewal.margin(config.ofType(K3sServerType.NAME).get(0)));
        } else {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> TestContexts.config(tmp, hcl("cert_renewal_days = " + value)));
            assertTrue(e.getMessage().contains(error), e.getMessage());
        }
    }

    private static String hcl(String margin) {
        return """
                node "pi-1" {
                  address = "192.168.1.10"
                }

                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                  %s
                }
                """.formatted(margin);
    }
}
